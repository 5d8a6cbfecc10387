import { UnrecoverableError } from 'bullmq';

/**
 * ffmpeg or ffprobe cannot read a recording (random bytes, a truncated header, a missing file):
 * retrying cannot fix it, so the job fails at once and the segment waits for a person.
 */
export class UnreadableRecording extends UnrecoverableError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`unreadable: ${detail}`);
    this.name = 'UnreadableRecording';
  }
}
