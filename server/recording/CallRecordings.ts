import fs from 'node:fs';
import path from 'node:path';
import type { CaseRecord } from '../cases/CaseRecord';
import type { Room } from '../sfu/Room';
import type { RecordingSegment, SegmentCause } from './RecordingSegment';
import { writeSessionManifest } from './SessionManifest';
import { SessionRecorder, type SessionRecorderDeps } from './SessionRecorder';

/** What every session's recorder shares; `onSegmentClosed` hands finished files to post-processing. */
export type CallRecordingsOptions = Omit<SessionRecorderDeps, 'onClosed'> & { onSegmentClosed: (segment: RecordingSegment) => void };

const ORPHAN_STOP_MS = 3000;

/**
 * Every live call's recorder. A call's room gets a SessionRecorder when it opens; the recorder
 * finishes when the room closes. On start, segments a killed server left 'recording' are
 * recovered: an orphaned ffmpeg is stopped (it finishes the file), the segment closes at the
 * file's last write.
 */
export class CallRecordings {
  private readonly recorders = new Map<string, SessionRecorder>();
  private readonly finishing = new Set<Promise<void>>();
  private _closed = false;

  constructor(private readonly opts: CallRecordingsOptions) {}

  attach(room: Room, caseRecord: CaseRecord): void {
    if (this._closed) return;
    const { onSegmentClosed, ...shared } = this.opts;
    const recorder = new SessionRecorder(room, caseRecord.id, { ...shared, onClosed: onSegmentClosed });
    this.recorders.set(room.sessionId, recorder);
    room.observer.once('close', () => this.finish(recorder, 'call_ended'));
  }

  /** The session's recorder while its call runs. */
  recorder(sessionId: string): SessionRecorder | undefined {
    return this.recorders.get(sessionId);
  }

  private finish(recorder: SessionRecorder, cause: SegmentCause): Promise<void> {
    const done = recorder.stop(cause).finally(() => {
      this.finishing.delete(done);
      if (this.recorders.get(recorder.sessionId) === recorder) this.recorders.delete(recorder.sessionId);
    });
    this.finishing.add(done);
    return done;
  }

  async recover(): Promise<void> {
    const { store, log, recordingsDir } = this.opts;
    const sessions = new Map<string, string>();
    for (const seg of await store.segments.listInStates(['recording'])) {
      const file = path.join(recordingsDir, seg.file);
      if (seg.recorderPid) await stopOrphan(seg.recorderPid, path.basename(file));
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (!stat || stat.size === 0) {
        await store.segments.discard(seg.id);
        continue;
      }
      await store.segments.update(seg.id, { state: 'closed', endedAt: Math.max(seg.startedAt, Math.round(stat.mtimeMs)), endCause: 'server_killed' });
      log.warn({ segmentId: seg.id, file: seg.file }, 'recording segment recovered after the server stopped without finishing it');
      sessions.set(seg.sessionId, seg.caseId);
      const closed = await store.segments.get(seg.id);
      if (closed) this.opts.onSegmentClosed(closed);
    }
    for (const [sessionId, caseId] of sessions) {
      await writeSessionManifest(recordingsDir, caseId, sessionId, await store.segments.listBySession(sessionId));
    }
  }

  /** Finishes every recording with the cause (a shutdown finalises files before the calls end). */
  async stopAll(cause: SegmentCause): Promise<void> {
    await Promise.all([...this.recorders.values()].map((r) => this.finish(r, cause)));
    await Promise.all([...this.finishing]);
  }

  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    await this.stopAll('server_shutdown');
  }
}

/** Stops an ffmpeg a killed server left running, only if it is still the one writing that file. */
async function stopOrphan(pid: number, fileName: string): Promise<void> {
  const cmdline = await fs.promises.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes(fileName)) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + ORPHAN_STOP_MS;
  while (Date.now() < deadline) {
    if (!(await processRunning(pid))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It ended between the check and the kill: nothing left to stop.
  }
}

/** Running, not merely a zombie waiting for a parent (an orphan's parent may never reap it). */
async function processRunning(pid: number): Promise<boolean> {
  const stat = await fs.promises.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return stat !== '' && state !== 'Z' && state !== 'X';
}
