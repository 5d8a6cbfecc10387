import fs from 'node:fs';
import path from 'node:path';
import type { CaseRecord } from '../../cases/CaseRecord';
import type { EvidenceChain } from '../../evidence/EvidenceChain';
import type { SignedRecord } from '../../evidence/EvidenceRecord';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { Store } from '../../store/Store';
import type { RecordingSegment } from '../RecordingSegment';
import { derivedName, dropScratch, publishScratch, scratchPathFor } from './derivedFile';
import { fileHash } from '../../evidence/fileHash';
import type { MediaTools } from './MediaTools';
import { overlappingInspectors, playbackArgs, timeZeroOf, type MixInput } from './playbackMix';
import { failureOf } from './segmentFailure';
import { playbackRecord, recordingRecord } from './segmentEvidence';
import { spriteArgs, spriteLayout } from './thumbnailSprite';
import { UnreadableRecording } from './UnreadableRecording';

export interface SegmentProcessorDeps {
  store: Store;
  chain: EvidenceChain;
  clock: Clock;
  log: Logger;
  recordingsDir: string;
  tools: MediaTools;
  /** How long a phone segment waits before looking again for an inspector microphone still recording. */
  waitMs: number;
}

export interface ProcessContext {
  /** Aborted on shutdown: the running ffmpeg is killed and the job is put back, not failed. */
  signal: AbortSignal;
  /** The queue will not try again after this attempt: a failure now marks the segment failed. */
  finalAttempt: boolean;
}

export type SegmentOutcome =
  | { kind: 'processed' }
  | { kind: 'waiting'; retryInMs: number; why: string }
  | { kind: 'skipped'; why: string };

/**
 * Post-processing of one closed segment, every step idempotent with its progress in the database:
 * (a) hash the untouched original and chain it, first, so the evidence exists whatever happens
 * next; (b) probe it; (c) for the phone, the seekable WebM with the inspectors' voices mixed in;
 * (d) the thumbnail sprite; (e) chain the playback copy naming the original. A rerun skips what
 * is done. Nothing here ever deletes or rewrites an original.
 */
export class SegmentProcessor {
  constructor(private readonly deps: SegmentProcessorDeps) {}

  private abs(relative: string): string {
    return path.join(this.deps.recordingsDir, relative);
  }

  async process(segmentId: string, ctx: ProcessContext): Promise<SegmentOutcome> {
    const { store } = this.deps;
    let s = await store.segments.get(segmentId);
    if (!s) return { kind: 'skipped', why: 'no such segment' };
    // processed: done; failed: waits for an admin's retry; recording: its close enqueues it again.
    if (s.state !== 'closed') return { kind: 'skipped', why: `segment is ${s.state}` };
    let counted = false;
    const count = async (seg: RecordingSegment) => {
      counted = true;
      await store.segments.update(seg.id, { attempts: seg.attempts + 1 });
      return { ...seg, attempts: seg.attempts + 1 };
    };
    try {
      if (!s.recordHash) s = await this.chainOriginal(await count(s));
      const wait = await this.inspectorsStillRecording(s);
      if (wait) return wait;
      if (!counted) s = await count(s);
      s = await this.probe(s, ctx.signal);
      if (s.track === 'phone') s = await this.makePlayback(s, ctx.signal);
      if (s.hasVideo) s = await this.makeSprite(s, ctx.signal);
      if (s.derived?.playback && !s.derived.recordHash) s = await this.chainPlayback(s);
      await store.segments.update(s.id, { state: 'processed', failure: undefined });
      this.deps.log.info({ segmentId: s.id, sessionId: s.sessionId, durationMs: s.durationMs, attempts: s.attempts }, 'recording segment processed');
      return { kind: 'processed' };
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const unreadable = err instanceof UnreadableRecording;
      // The tools name files by absolute path; the admin knows them by their place under the recordings root.
      const detail = (unreadable ? err.detail : (err as Error).message).split(`${this.deps.recordingsDir}${path.sep}`).join('');
      const failure = failureOf(unreadable ? 'unreadable' : 'processing', detail);
      const givesUp = unreadable || ctx.finalAttempt;
      await store.segments.update(segmentId, givesUp ? { state: 'failed', failure } : { failure });
      this.deps.log[givesUp ? 'error' : 'warn']({ err, segmentId, sessionId: s.sessionId, givesUp }, givesUp ? 'recording segment failed post-processing' : 'recording segment post-processing will be retried');
      throw err;
    }
  }

  private async caseOf(s: RecordingSegment): Promise<CaseRecord> {
    const c = await this.deps.store.cases.get(s.caseId);
    if (!c) throw new Error(`case ${s.caseId} of segment ${s.id} is missing`);
    return c;
  }

  private async findRecord(caseId: string, match: (r: SignedRecord) => boolean): Promise<SignedRecord | undefined> {
    return (await this.deps.chain.list(caseId)).find(match);
  }

  /** (a) The final original bytes into the case's chain (once: a rerun finds the record it made). */
  private async chainOriginal(s: RecordingSegment): Promise<RecordingSegment> {
    const file = this.abs(s.file);
    if (!fs.existsSync(file)) throw new UnreadableRecording(file, `the original file ${s.file} is missing`);
    const hash = await fileHash(file);
    if (s.sha256 && s.sha256 !== hash.sha256) this.deps.log.warn({ segmentId: s.id, recorded: s.sha256, now: hash.sha256 }, 'segment bytes differ from the hash taken when it closed; chaining the bytes on disk');
    const signed =
      (await this.findRecord(s.caseId, (r) => r.record.kind === 'recording' && r.record.sha256 === hash.sha256 && r.record.checked.segmentId === s.id)) ??
      (await this.deps.chain.append(recordingRecord(await this.caseOf(s), s, hash, this.deps.clock.now())));
    await this.deps.store.segments.update(s.id, { sha256: hash.sha256, bytes: hash.bytes, recordHash: signed.hash });
    return { ...s, sha256: hash.sha256, bytes: hash.bytes, recordHash: signed.hash };
  }

  /** A phone segment's mix needs every overlapping microphone final: one still being written is waited for. */
  private async inspectorsStillRecording(s: RecordingSegment): Promise<SegmentOutcome | undefined> {
    if (s.track !== 'phone' || s.derived?.playback) return undefined;
    const open = overlappingInspectors(s, await this.deps.store.segments.listBySession(s.sessionId)).filter((i) => i.state === 'recording');
    if (open.length === 0) return undefined;
    return { kind: 'waiting', retryInMs: this.deps.waitMs, why: `inspector segment(s) ${open.map((i) => i.seq).join(', ')} still recording` };
  }

  /** (b) Streams and length, from the file itself. */
  private async probe(s: RecordingSegment, signal: AbortSignal): Promise<RecordingSegment> {
    if (s.durationMs !== undefined && s.hasVideo !== undefined && s.hasAudio !== undefined) return s;
    const p = await this.deps.tools.probe(this.abs(s.file), signal);
    const patch = { durationMs: p.durationMs, hasVideo: p.hasVideo, hasAudio: p.hasAudio };
    await this.deps.store.segments.update(s.id, patch);
    return { ...s, ...patch };
  }

  /** (c) The seekable WebM: video copied, audio mixed with the inspectors heard meanwhile. */
  private async makePlayback(s: RecordingSegment, signal: AbortSignal): Promise<RecordingSegment> {
    const existing = s.derived?.playback;
    if (existing && fs.existsSync(this.abs(existing.file))) return s;
    // A chained copy is evidence: if it vanished it is not silently remade with other bytes.
    if (s.derived?.recordHash) throw new Error(`the chained playback copy ${existing?.file} is missing`);
    const inspectors: Array<MixInput & { id: string }> = [];
    for (const i of overlappingInspectors(s, await this.deps.store.segments.listBySession(s.sessionId))) {
      const file = this.abs(i.file);
      try {
        const p = await this.deps.tools.probe(file, signal);
        if (p.hasAudio) inspectors.push({ id: i.id, file, timeZero: timeZeroOf(i) });
      } catch (err) {
        if (!(err instanceof UnreadableRecording)) throw err;
        // One damaged microphone file must not cost the phone's playback: mixed without it, and said so.
        this.deps.log.warn({ segmentId: s.id, inspectorSegmentId: i.id, detail: err.detail }, 'inspector segment unreadable: left out of the playback mix');
      }
    }
    const relative = derivedName(s.file, 'playback.webm');
    const final = this.abs(relative);
    const scratch = scratchPathFor(final);
    const phone = { file: this.abs(s.file), timeZero: timeZeroOf(s), durationMs: s.durationMs ?? 0, hasVideo: !!s.hasVideo, hasAudio: !!s.hasAudio };
    try {
      await this.deps.tools.ffmpegRun(playbackArgs(phone, inspectors, scratch), [phone.file], signal);
      await publishScratch(scratch, final);
    } finally {
      await dropScratch(scratch);
    }
    const hash = await fileHash(final);
    const derived = {
      ...s.derived,
      playback: { file: relative, ...hash, mediaType: s.hasVideo ? 'video/webm' : 'audio/webm', mixedSegmentIds: inspectors.map((i) => i.id) },
    };
    await this.deps.store.segments.update(s.id, { derived });
    return { ...s, derived };
  }

  /** (d) One JPEG grid of tiles for the replay page's thumbnail track. */
  private async makeSprite(s: RecordingSegment, signal: AbortSignal): Promise<RecordingSegment> {
    const existing = s.derived?.thumbnails;
    if (existing && fs.existsSync(this.abs(existing.file))) return s;
    const layout = spriteLayout(s.durationMs ?? 0);
    const relative = derivedName(s.file, 'thumbs.jpg');
    const final = this.abs(relative);
    const scratch = scratchPathFor(final);
    try {
      await this.deps.tools.ffmpegRun(spriteArgs(this.abs(s.file), layout, s.rotation ?? 0, scratch), [this.abs(s.file)], signal);
      if (!fs.existsSync(scratch)) {
        // A video stream without a single decodable key frame: playback still works, thumbnails do not.
        this.deps.log.warn({ segmentId: s.id }, 'no key frame to make thumbnails from');
        return s;
      }
      await publishScratch(scratch, final);
    } finally {
      await dropScratch(scratch);
    }
    const derived = { ...s.derived, thumbnails: { file: relative, ...(await fileHash(final)), mediaType: 'image/jpeg', sprite: layout } };
    await this.deps.store.segments.update(s.id, { derived });
    return { ...s, derived };
  }

  /** (e) The playback copy into the chain, naming the original's hash. */
  private async chainPlayback(s: RecordingSegment): Promise<RecordingSegment> {
    const playback = s.derived!.playback!;
    const signed =
      (await this.findRecord(s.caseId, (r) => r.record.kind === 'playback' && r.record.sha256 === playback.sha256)) ??
      (await this.deps.chain.append(playbackRecord(await this.caseOf(s), s, playback, this.deps.clock.now())));
    const derived = { ...s.derived, recordHash: signed.hash };
    await this.deps.store.segments.update(s.id, { derived });
    return { ...s, derived };
  }
}
