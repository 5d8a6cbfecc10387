import fs from 'node:fs';
import path from 'node:path';
import type { EvidenceChain } from '../../evidence/EvidenceChain';
import type { EvidenceFiles } from '../../evidence/EvidenceFiles';
import type { EvidenceItem } from '../../evidence/EvidenceItem';
import type { SignedRecord } from '../../evidence/EvidenceRecord';
import type { Logger } from '../../platform/logger';
import type { Store } from '../../store/Store';
import type { RecordingSegment } from '../RecordingSegment';
import { cutByCopy, ffprobeBeside, probeClip, sha256OfFile } from './cutByCopy';
import type { PendingClip } from './PendingClip';

export interface ClipCutterDeps {
  store: Store;
  files: EvidenceFiles;
  chain: EvidenceChain;
  log: Logger;
  recordingsDir: string;
  ffmpeg: string;
  /** Where a cut is written before it is stored by its hash (on the data disk). */
  workDir: string;
}

/**
 * A clip starts on the key frame counted as its start. The server saw that frame arrive at the
 * router; its time in the file comes from the phone's RTP clock, which may run a little behind the
 * arrival: seeking this much past it still lands on that frame, not the one 5 s before.
 */
const KEY_FRAME_TOLERANCE_S = 0.3;
/** How much shorter than its span a cut may come out (the key-frame tolerance, the last frame's length). */
const SHORT_TOLERANCE_MS = 600;
const MAX_ATTEMPTS = 3;
export const CLIP_MEDIA_TYPE = 'video/x-matroska';

/** How often a clip looks again for its segment's record in the chain. */
const PARENT_WAIT_MS = 1000;

/** A clip that can never be cut (its segment is gone or holds no media): retrying cannot help. */
class ClipImpossible extends Error {}

/**
 * Cuts points' clips out of finished phone segments by copy, stores each by its hash, makes it an
 * evidence item (grade 'clip', naming the segment's hash as parent) and appends a 'clip' record
 * to the case's chain. One cut at a time; every step can be repeated after a crash without making
 * a second item or record.
 */
export class ClipCutter {
  private work: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private readonly ffprobe: string;
  private closed = false;

  constructor(private readonly deps: ClipCutterDeps) {
    this.ffprobe = ffprobeBeside(deps.ffmpeg);
  }

  /** A segment's file is final: the clips waiting for it are cut. */
  segmentClosed(segment: RecordingSegment): void {
    if (segment.track !== 'phone' || this.closed) return;
    void this.deps.store.pendingClips
      .listBySegment(segment.id)
      .then((clips) => clips.filter((c) => c.state === 'pending').forEach((c) => this.enqueue(c.id)))
      .catch((err: unknown) => this.deps.log.error({ err, segmentId: segment.id }, 'could not list the clips of a closed segment'));
  }

  /** A clip was registered: cut now if its segment is final already, else when it closes. */
  added(clip: PendingClip): void {
    this.enqueue(clip.id);
  }

  /** On start: every clip a crash or a shutdown left uncut (those whose segment is final are cut). */
  async resume(): Promise<void> {
    for (const c of await this.deps.store.pendingClips.listInStates(['pending'])) this.enqueue(c.id);
  }

  /** Settles once everything queued so far has been tried. */
  idle(): Promise<void> {
    return this.work;
  }

  private enqueue(id: string): void {
    if (this.closed || this.queued.has(id)) return;
    this.queued.add(id);
    this.work = this.work
      .then(async () => {
        this.queued.delete(id);
        if (!this.closed) await this.cut(id);
      })
      .catch((err: unknown) => this.deps.log.error({ err, clipId: id }, 'clip step failed'));
  }

  private async cut(id: string): Promise<void> {
    const { store, log } = this.deps;
    const clip = await store.pendingClips.get(id);
    if (!clip || clip.state !== 'pending') return;
    const segment = await store.segments.get(clip.segmentId);
    // Still being written: the segment's close brings the clip back.
    if (segment?.state === 'recording') return;
    // The clip names its segment as parent: the segment's own record must come first in the chain
    // (post-processing chains it as its first step), or a verifier finds a parent that is not earlier.
    if (segment?.state === 'closed' && !segment.recordHash) {
      this.retryLater(id, PARENT_WAIT_MS);
      return;
    }
    try {
      await this.cutFrom(clip, segment);
    } catch (err) {
      if (this.closed) return;
      const attempts = clip.attempts + 1;
      const failure = err instanceof Error ? err.message : String(err);
      const final = err instanceof ClipImpossible || attempts >= MAX_ATTEMPTS;
      await store.pendingClips.update(id, { attempts, failure, state: final ? 'failed' : 'pending' });
      log.warn({ err, clipId: id, segmentId: clip.segmentId, attempts, final }, 'could not cut a point’s clip');
      if (!final) this.retryLater(id, 1000 * 2 ** attempts);
    }
  }

  private async cutFrom(clip: PendingClip, segment: RecordingSegment | undefined): Promise<void> {
    const { store, files, chain, log, recordingsDir, ffmpeg, workDir } = this.deps;
    if (!segment) throw new ClipImpossible(`segment ${clip.segmentId} is not in the database`);
    if (segment.firstMediaAt === undefined) throw new ClipImpossible(`segment ${segment.id} recorded no media`);
    const source = path.join(recordingsDir, segment.file);
    if (!fs.existsSync(source)) throw new ClipImpossible(`segment file ${segment.file} is missing`);
    // Closed means final bytes: the same hash post-processing chains, whether or not it has yet.
    const parentSha256 = segment.sha256 ?? (await sha256OfFile(source));

    await fs.promises.mkdir(workDir, { recursive: true });
    const tmp = path.join(workDir, `${clip.id}.mkv`);
    let stored: { sha256: string };
    let bytes: number;
    let durationMs: number;
    try {
      const fromS = Math.max(0, (clip.fromMs - segment.firstMediaAt) / 1000 + KEY_FRAME_TOLERANCE_S);
      const toS = (clip.toMs - segment.firstMediaAt) / 1000;
      await cutByCopy(ffmpeg, source, tmp, fromS, toS, this.abort.signal);
      const probe = await probeClip(this.ffprobe, tmp, this.abort.signal);
      if (!probe.hasVideo || probe.durationMs <= 0) throw new ClipImpossible(`segment ${segment.id} holds no video between ${fromS.toFixed(1)} s and ${toS.toFixed(1)} s`);
      // Seeking past the end lands on the last key frame: a clip shorter than its span is not that span.
      if (probe.durationMs < clip.toMs - clip.fromMs - SHORT_TOLERANCE_MS) {
        throw new ClipImpossible(`segment ${segment.id} holds ${probe.durationMs} ms of the ${clip.toMs - clip.fromMs} ms asked for from ${fromS.toFixed(1)} s`);
      }
      durationMs = probe.durationMs;
      const content = await fs.promises.readFile(tmp);
      bytes = content.length;
      stored = await files.put(content, 'mkv');
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }

    const caseRecord = await store.cases.get(clip.caseId);
    if (!caseRecord) throw new ClipImpossible(`case ${clip.caseId} is gone`);
    const checked = { segmentId: segment.id, fromMs: clip.fromMs, toMs: clip.toMs, seconds: clip.seconds, durationMs, cause: clip.cause, ...(segment.rotation ? { rotation: segment.rotation } : {}) };
    // A crash after the append and before the bookkeeping: the record of these same bytes stands.
    const earlier = (await chain.list(clip.caseId)).find(
      (r) => r.record.kind === 'clip' && r.record.sha256 === stored.sha256 && r.record.checked.segmentId === segment.id && r.record.checked.fromMs === clip.fromMs,
    );
    const signed: SignedRecord =
      earlier ??
      (await chain.append({
        caseId: clip.caseId,
        caseNumber: caseRecord.caseNumber,
        sessionId: clip.sessionId,
        pointKey: clip.pointKey,
        kind: 'clip',
        sha256: stored.sha256,
        bytes,
        mediaType: CLIP_MEDIA_TYPE,
        file: `clips/${stored.sha256}.mkv`,
        parentSha256,
        // When the clip's content begins: where the replay's timeline places it (toMs is in `checked`).
        serverTime: clip.fromMs,
        claimed: {},
        checked,
        capturedBy: clip.requestedBy,
      }));
    await store.pendingClips.update(clip.id, { sha256: stored.sha256, recordHash: signed.hash });
    if (!(await store.evidence.get(clip.id))) {
      const item: EvidenceItem = {
        id: clip.id,
        sessionId: clip.sessionId,
        pointKey: clip.pointKey,
        kind: 'video',
        grade: 'clip',
        sha256: stored.sha256,
        mediaType: CLIP_MEDIA_TYPE,
        bytes,
        serverTime: clip.fromMs,
        claimed: {},
        checked: { segmentId: segment.id, fromMs: clip.fromMs, toMs: clip.toMs, seconds: clip.seconds, durationMs },
        capturedBy: clip.requestedBy,
        parentSha256,
      };
      await store.evidence.insert(item);
    }
    await store.pendingClips.update(clip.id, { state: 'cut', failure: undefined });
    log.info({ clipId: clip.id, pointKey: clip.pointKey, segmentId: segment.id, durationMs, sha256: stored.sha256 }, 'point clip cut and chained');
  }

  private retryLater(id: string, ms: number): void {
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.enqueue(id);
    }, ms);
    this.retries.add(timer);
  }

  /** Stops taking work, stops a running ffmpeg, and waits for the step in progress to settle. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    this.abort.abort();
    await this.work;
  }
}
