import fs from 'node:fs';
import path from 'node:path';
import type { types } from 'mediasoup';
import type { Clock } from '../platform/clock';
import { newId } from '../platform/ids';
import type { Logger } from '../platform/logger';
import type { ProducerInfo } from '../sfu/MediaPeer';
import type { Room } from '../sfu/Room';
import type { Store } from '../store/Store';
import type { RecordingSegment, SegmentCause, SegmentTrack } from './RecordingSegment';
import { writeSessionManifest } from './SessionManifest';
import { TrackRecorder, type TrackInputs } from './TrackRecorder';

export interface SessionRecorderDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  recordingsDir: string;
  ffmpeg: string;
  keyFrameIntervalMs: number;
  /** A segment's file is final: post-processing takes it from here. */
  onClosed: (segment: RecordingSegment) => void;
}

type Producer = types.Producer<ProducerInfo>;

interface LiveSegment {
  id: string;
  inputs: TrackInputs;
  recorder: TrackRecorder;
}

/** Camera and microphone of a joining phone arrive a moment apart: one segment, not two. */
const PHONE_SETTLE_MS = 400;

/**
 * Records one inspection session's call: the phone's camera and microphone as one track, each
 * inspector's microphone as its own. A segment lasts as long as its producers and its ffmpeg; any
 * change (reconnection, camera switch, a recorder that died) ends it with a cause and starts the
 * next, so the session's manifest accounts for every second.
 */
export class SessionRecorder {
  private readonly phone: TrackInputs = {};
  private phoneSegment: LiveSegment | undefined;
  /** Why the phone's track changes next (set by the event, used when the change is made). */
  private phoneCause: SegmentCause | undefined;
  private lastPhoneEnd: SegmentCause | undefined;
  private phoneTimer: NodeJS.Timeout | undefined;
  private readonly inspectors = new Map<string, LiveSegment>();
  private work: Promise<void> = Promise.resolve();
  private failures = 0;
  private stopping: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(
    private readonly room: Room,
    readonly caseId: string,
    private readonly deps: SessionRecorderDeps,
  ) {
    this.log = deps.log.child({ part: 'recorder', sessionId: room.sessionId });
    room.observer.on('producer', (p) => this.onProducer(p));
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  /** Finishes every segment with the cause (call ended, server shutting down). */
  stop(cause: SegmentCause): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.phoneTimer);
      await this.serial(async () => {
        if (this.phoneSegment) await this.end(this.phoneSegment, cause);
        this.phoneSegment = undefined;
        for (const seg of [...this.inspectors.values()]) await this.end(seg, cause);
        this.inspectors.clear();
      });
    })();
    return this.stopping;
  }

  private onProducer(p: Producer): void {
    if (this.stopped) return;
    const { role, peerId } = p.appData;
    if (role === 'applicant') {
      const kind = p.kind;
      const before = this.phone[kind];
      if (this.phoneSegment && before && !before.closed) this.phoneCause ??= kind === 'video' ? 'camera_switched' : 'microphone_changed';
      this.phone[kind] = p;
      p.observer.once('close', () => {
        if (this.phone[kind] !== p) return;
        delete this.phone[kind];
        const peerGone = this.room.peer(peerId)?.closed ?? true;
        this.phoneCause ??= peerGone ? 'phone_left' : kind === 'video' ? 'camera_switched' : 'microphone_changed';
        this.schedulePhone();
      });
      this.schedulePhone();
    } else if (role === 'inspector' && p.kind === 'audio') {
      void this.serial(() => this.startInspector(p));
      p.observer.once('close', () => void this.serial(() => this.endInspector(p.id, 'inspector_left')));
    }
  }

  private schedulePhone(delayMs = PHONE_SETTLE_MS): void {
    if (this.stopped) return;
    clearTimeout(this.phoneTimer);
    this.phoneTimer = setTimeout(() => void this.serial(() => this.refreshPhone()), delayMs);
  }

  /** Makes the phone's segment match its live producers. */
  private async refreshPhone(): Promise<void> {
    if (this.stopped) return;
    const inputs: TrackInputs = {
      video: this.phone.video && !this.phone.video.closed ? this.phone.video : undefined,
      audio: this.phone.audio && !this.phone.audio.closed ? this.phone.audio : undefined,
    };
    const current = this.phoneSegment;
    if (current && !current.recorder.closed && current.inputs.video === inputs.video && current.inputs.audio === inputs.audio) return;
    if (current) {
      await this.end(current, current.recorder.closed ? 'recorder_died' : this.phoneCause ?? 'phone_left');
      this.phoneSegment = undefined;
    }
    this.phoneCause = undefined;
    if (!inputs.video && !inputs.audio) return;
    const cause: SegmentCause = startCauseAfter(this.lastPhoneEnd);
    const peer = 'applicant';
    this.phoneSegment = await this.start('phone', peer, inputs, cause, () => {
      // ffmpeg died: end the segment now and record again (the phone's producers are still there).
      this.phoneCause = 'recorder_died';
      this.failures++;
      this.schedulePhone(this.failures <= 1 ? 0 : Math.min(10_000, 250 * 2 ** this.failures));
    });
  }

  private async startInspector(p: Producer): Promise<void> {
    if (this.stopped || p.closed) return;
    const who = p.appData.accountId ?? p.appData.peerId;
    const seg = await this.start('inspector', who, { audio: p }, 'inspector_joined', () => {
      void this.serial(async () => {
        await this.endInspector(p.id, 'recorder_died');
        if (!p.closed && !this.stopped) {
          const again = await this.start('inspector', who, { audio: p }, 'recorder_restarted', () => undefined);
          if (again) this.inspectors.set(p.id, again);
        }
      });
    });
    if (seg) this.inspectors.set(p.id, seg);
  }

  private async endInspector(producerId: string, cause: SegmentCause): Promise<void> {
    const seg = this.inspectors.get(producerId);
    if (!seg) return;
    this.inspectors.delete(producerId);
    await this.end(seg, cause);
  }

  private async start(track: SegmentTrack, peer: string, inputs: TrackInputs, cause: SegmentCause, onDied: () => void): Promise<LiveSegment | undefined> {
    const { store, clock, recordingsDir } = this.deps;
    const startedAt = clock.now();
    const id = newId(12);
    const base = `${fileStamp(startedAt)}-${track}${track === 'inspector' ? `-${safeName(peer)}` : ''}`;
    const rel = path.join(this.caseId, this.sessionId, `${base}.mkv`);
    let recorder: TrackRecorder;
    try {
      recorder = await TrackRecorder.start({
        router: this.room.router,
        inputs,
        file: path.join(recordingsDir, rel),
        sdpFile: path.join(recordingsDir, this.caseId, this.sessionId, `${base}.sdp`),
        ffmpeg: this.deps.ffmpeg,
        keyFrameIntervalMs: this.deps.keyFrameIntervalMs,
        clock,
        log: this.log,
      });
    } catch (err) {
      this.log.error({ err, track, peer }, 'recorder could not start');
      if (track === 'phone') {
        this.failures++;
        this.lastPhoneEnd = 'recorder_died';
        if (!this.room.closed) this.schedulePhone(Math.min(10_000, 250 * 2 ** this.failures));
      }
      return undefined;
    }
    recorder.observer.on('firstMedia', (at) => {
      if (track === 'phone') this.failures = 0;
      void this.update(id, { firstMediaAt: at });
    });
    recorder.observer.on('rotation', (rotation) => void this.update(id, { rotation }));
    recorder.observer.once('died', onDied);
    await store.segments.insert({
      id,
      sessionId: this.sessionId,
      caseId: this.caseId,
      track,
      peer,
      file: rel,
      startedAt,
      firstMediaAt: recorder.firstMediaAt,
      startCause: cause,
      state: 'recording',
      attempts: 0,
      recorderPid: recorder.pid,
    });
    this.log.info({ segmentId: id, track, peer, cause, file: rel }, 'recording segment started');
    await this.writeManifest();
    return { id, inputs, recorder };
  }

  /** Stops the recorder and hands the finished file on; a recorder that never got media leaves nothing. */
  private async end(seg: LiveSegment, cause: SegmentCause): Promise<void> {
    const { store, clock, recordingsDir } = this.deps;
    // The media ends when the stop is decided; ffmpeg may take a moment more to let go of the file.
    const endedAt = clock.now();
    await seg.recorder.stop();
    const row = await store.segments.get(seg.id);
    if (!row || row.state !== 'recording') return;
    if (row.track === 'phone') this.lastPhoneEnd = cause;
    const size = await fs.promises.stat(path.join(recordingsDir, row.file)).then((s) => s.size, () => 0);
    if (size === 0) {
      // ffmpeg opens its output only once media arrived: an empty segment recorded nothing.
      await store.segments.discard(row.id);
      this.log.info({ segmentId: row.id, cause }, 'recording segment had no media; dropped');
    } else {
      await store.segments.update(row.id, { state: 'closed', endedAt, endCause: cause });
      this.log.info({ segmentId: row.id, cause, bytes: size }, 'recording segment closed');
      const closed = await store.segments.get(row.id);
      if (closed) this.deps.onClosed(closed);
    }
    await this.writeManifest();
  }

  private async update(id: string, patch: Parameters<Store['segments']['update']>[1]): Promise<void> {
    await this.deps.store.segments.update(id, patch).catch((err: unknown) => this.log.warn({ err, segmentId: id }, 'could not update segment'));
    await this.writeManifest();
  }

  private async writeManifest(): Promise<void> {
    const segments = await this.deps.store.segments.listBySession(this.sessionId);
    await writeSessionManifest(this.deps.recordingsDir, this.caseId, this.sessionId, segments).catch((err: unknown) =>
      this.log.warn({ err }, 'could not write recording manifest'),
    );
  }

  /** One change of segments at a time: starts and ends never interleave. */
  private serial(fn: () => Promise<void>): Promise<void> {
    const run = this.work.then(fn).catch((err: unknown) => this.log.error({ err }, 'recording step failed'));
    this.work = run;
    return run;
  }
}

function startCauseAfter(lastEnd: SegmentCause | undefined): SegmentCause {
  if (!lastEnd) return 'phone_joined';
  if (lastEnd === 'phone_left') return 'phone_reconnected';
  if (lastEnd === 'recorder_died') return 'recorder_restarted';
  return lastEnd;
}

/** `20261124T140512.123`: file names sort by time and say when, without a database. */
function fileStamp(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/[-:]/g, '').replace('Z', '');
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40);
}
