import fs from 'node:fs';
import path from 'node:path';
import type { RecordingSegment } from './RecordingSegment';
import { segmentGaps } from './segmentGaps';

/**
 * `manifest.json` beside a session's recordings: every segment with its server times and causes,
 * and every gap. The database holds the same facts; the file lets a person (or a court) read the
 * folder without the software. Rewritten whole through a rename, so it is never half written.
 */
export async function writeSessionManifest(recordingsDir: string, caseId: string, sessionId: string, segments: readonly RecordingSegment[]): Promise<void> {
  const dir = path.join(recordingsDir, caseId, sessionId);
  await fs.promises.mkdir(dir, { recursive: true });
  const manifest = {
    v: 1,
    caseId,
    sessionId,
    segments: segments.map((s) => ({
      seq: s.seq,
      id: s.id,
      track: s.track,
      peer: s.peer,
      file: path.basename(s.file),
      startedAt: s.startedAt,
      firstMediaAt: s.firstMediaAt ?? null,
      endedAt: s.endedAt ?? null,
      startCause: s.startCause,
      endCause: s.endCause ?? null,
      rotation: s.rotation ?? 0,
      state: s.state,
      sha256: s.sha256 ?? null,
    })),
    gaps: segmentGaps(segments),
  };
  const file = path.join(dir, 'manifest.json');
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.promises.writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await fs.promises.rename(tmp, file);
}
