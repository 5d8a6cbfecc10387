import type { ChecklistWalk } from '../../checklist/ChecklistWalk';
import type { WalkEvent, WalkEventBody } from '../../checklist/WalkEvent';
import type { InspectionEvents } from '../../inspection/InspectionEvents';
import type { SessionTransition } from '../../inspection/SessionTransition';
import type { Clock } from '../../platform/clock';
import { Conflict } from '../../platform/errors';
import { newId } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import { text } from '../../platform/Text';
import { TypedEvents } from '../../platform/TypedEvents';
import type { PointVideoStatus } from '../../protocol/signaling';
import type { Store } from '../../store/Store';
import type { ClipCause, PendingClip } from './PendingClip';
import { countedFrom, countedMs, dwellRuns, liveSpans, phoneSegmentSpans, pointSpans, withinWindow, type DwellRun, type PointSpan } from './pointDwell';

/** What the service needs of the inspection's owner: its events, its steps, and the walk. */
export interface PointVideoInspection {
  events: TypedEvents<InspectionEvents>;
  changeWalk(sessionId: string, body: WalkEventBody, actor: string): Promise<void>;
  transitions(sessionId: string): Promise<SessionTransition[]>;
  walkOpen(sessionId: string): Promise<boolean>;
}

export interface PointVideoWalks {
  walk(sessionId: string): Promise<ChecklistWalk>;
  eventLog(sessionId: string): Promise<WalkEvent[]>;
}

/** The phone's key frames: when they came, and asking for one now. */
export interface KeyFrameSource {
  times(sessionId: string): readonly number[];
  request(sessionId: string): Promise<void>;
}

export interface PointVideosDeps {
  store: Store;
  inspection: PointVideoInspection;
  walks: PointVideoWalks;
  keyFrames: KeyFrameSource;
  /** Takes each registered clip (cuts it once its segment is final). */
  clips: { added(clip: PendingClip): void };
  clock: Clock;
  log: Logger;
  /** How often the count is checked and sent to the console. */
  tickMs?: number;
}

interface PointVideoEvents {
  status: [sessionId: string, status: PointVideoStatus | null];
}

interface Mark {
  pointKey: string;
  from: number;
  by: string;
}

interface Watched {
  sessionId: string;
  caseId: string;
  timer: NodeJS.Timeout;
  /** Fires when the open run reaches the point's rule, so the note does not wait for the next tick. */
  due?: NodeJS.Timeout;
  queue: Promise<void>;
  /** Cached stored logs, dropped when the walk or the lifecycle changes. */
  events?: WalkEvent[];
  transitions?: SessionTransition[];
  mark?: Mark;
  /** A check is queued: ticks do not pile up behind a slow one. */
  queued?: boolean;
  /** The opening of a point (key and time) a key frame was last asked for. */
  askedFor?: string;
  status?: PointVideoStatus | null;
}

/** An explicit recording shorter than this holds nothing worth a clip. */
const MIN_MARKED_MS = 1000;
const NOT_IN_CALL = text('通话未在进行，不能录制本项视频', 'The call is not running, so this point cannot be recorded');
const NOT_CURRENT = text('只能录制正在检查的项目，请先打开该项', 'Only the point being inspected can be recorded; open it first');

/**
 * Video evidence per checklist point, during the call. Time counts on the open point while the
 * phone is live and its segment records media, from a key frame on; a gap starts the count again.
 * When a point's `minVideoSeconds` is reached, the walk gets a video note and the stretch is
 * registered as a clip to cut from the segment. The inspector may also mark a point for recording
 * (start/stop): each continuous stretch of it becomes a clip and a note the same way.
 */
export class PointVideos {
  readonly events: TypedEvents<PointVideoEvents>;
  private readonly watched = new Map<string, Watched>();
  private readonly unsubscribe: Array<() => void> = [];
  /** Calls whose end is being finished: close waits for them. */
  private readonly stopping = new Set<Promise<void>>();
  private readonly log: Logger;
  private readonly tickMs: number;
  private closed = false;

  constructor(private readonly deps: PointVideosDeps) {
    this.log = deps.log.child({ part: 'point-video' });
    this.events = new TypedEvents<PointVideoEvents>(this.log);
    this.tickMs = deps.tickMs ?? 1000;
    this.unsubscribe.push(
      deps.inspection.events.on('walk.changed', (sessionId) => {
        const w = this.watched.get(sessionId);
        if (!w) return;
        w.events = undefined;
        this.schedule(w);
      }),
      deps.inspection.events.on('state.changed', (c) => {
        const w = this.watched.get(c.sessionId);
        if (!w) return;
        w.transitions = undefined;
        this.schedule(w);
      }),
    );
  }

  /** A call started for the session: count while it runs. */
  watch(sessionId: string, caseId: string): void {
    if (this.closed || this.watched.has(sessionId)) return;
    const w: Watched = { sessionId, caseId, queue: Promise.resolve(), timer: setInterval(() => this.schedule(w), this.tickMs) };
    this.watched.set(sessionId, w);
    this.schedule(w);
  }

  /** The call ended: a running explicit recording ends with it, then counting stops. */
  unwatch(sessionId: string): Promise<void> {
    const w = this.watched.get(sessionId);
    if (!w) return Promise.resolve();
    this.watched.delete(sessionId);
    clearInterval(w.timer);
    clearTimeout(w.due);
    const done = this.serial(w, async () => {
      if (w.mark) await this.finishMark(w, this.deps.clock.now());
    }).finally(() => {
      clearTimeout(w.due);
      this.stopping.delete(done);
      this.events.emit('status', sessionId, null);
    });
    this.stopping.add(done);
    return done;
  }

  /** The inspector starts or stops recording the point being inspected. */
  async mark(sessionId: string, pointKey: string, record: boolean, actor: string): Promise<PointVideoStatus | null> {
    const w = this.watched.get(sessionId);
    if (!w) throw new Conflict(NOT_IN_CALL, `no call for session ${sessionId}`);
    let result: PointVideoStatus | null = null;
    await this.serial(w, async () => {
      const now = this.deps.clock.now();
      if (record) {
        if (openPoint(await this.walkEvents(w))?.pointKey !== pointKey) throw new Conflict(NOT_CURRENT, `point ${pointKey} is not the open one`);
        if (w.mark?.pointKey !== pointKey) {
          if (w.mark) await this.finishMark(w, now);
          w.mark = { pointKey, from: now, by: actor };
          this.log.info({ sessionId, pointKey, actor }, 'point marked for recording');
          this.askKeyFrame(w, w.askedFor);
        }
      } else if (w.mark?.pointKey === pointKey) {
        await this.finishMark(w, now);
      }
      result = await this.check(w);
    });
    return result;
  }

  /** The latest count of the session's open point, as last sent. */
  status(sessionId: string): PointVideoStatus | null {
    return this.watched.get(sessionId)?.status ?? null;
  }

  /**
   * After a restart: a clip registered just before a crash may lack its note on the walk; while the
   * walk is open the note is added now (the clip itself is cut by the cutter's own resume).
   */
  async recover(): Promise<void> {
    for (const clip of await this.deps.store.pendingClips.listInStates(['pending', 'cut'])) {
      try {
        const walk = await this.deps.walks.walk(clip.sessionId);
        if (walk.closed || noted(walk, clip.id) || !(await this.deps.inspection.walkOpen(clip.sessionId))) continue;
        await this.note(clip);
      } catch (err) {
        this.log.warn({ err, clipId: clip.id }, 'could not restore a clip’s note on the walk');
      }
    }
  }

  private schedule(w: Watched): void {
    if (this.closed || this.watched.get(w.sessionId) !== w || w.queued) return;
    w.queued = true;
    void this.serial(w, async () => {
      w.queued = false;
      await this.check(w);
    });
  }

  /** One step at a time per session: a tick, an event and a command never interleave. */
  private serial(w: Watched, work: () => Promise<void>): Promise<void> {
    const run = w.queue.then(work);
    w.queue = run.catch((err: unknown) => this.log.error({ err, sessionId: w.sessionId }, 'point video step failed'));
    return run;
  }

  private async walkEvents(w: Watched): Promise<WalkEvent[]> {
    w.events ??= await this.deps.walks.eventLog(w.sessionId);
    return w.events;
  }

  /** Everything that can be counted in this session now: its runs and the key frames to count from. */
  private async runs(w: Watched): Promise<{ points: PointSpan[]; runs: DwellRun[]; keyFrames: number[] }> {
    const events = await this.walkEvents(w);
    w.transitions ??= await this.deps.inspection.transitions(w.sessionId);
    const segments = await this.deps.store.segments.listBySession(w.sessionId);
    const points = pointSpans(events);
    const runs = dwellRuns(points, liveSpans(w.transitions), phoneSegmentSpans(segments));
    // A segment's first media is a key frame too (its file's time 0).
    const keyFrames = [...this.deps.keyFrames.times(w.sessionId), ...segments.flatMap((s) => (s.track === 'phone' && s.firstMediaAt !== undefined ? [s.firstMediaAt] : []))];
    return { points, runs, keyFrames };
  }

  /** Attaches what is due, ends an explicit recording whose point was left, and sends the count. */
  private async check(w: Watched): Promise<PointVideoStatus | null> {
    const now = this.deps.clock.now();
    const { points, runs, keyFrames } = await this.runs(w);
    const walk = await this.deps.walks.walk(w.sessionId);
    const open = points.at(-1)?.to === null ? points.at(-1) : undefined;

    if (w.mark && open?.pointKey !== w.mark.pointKey) await this.finishMark(w, now);
    // Once per opening of a point that needs video: its count starts on the key frame asked for here.
    if (open && w.askedFor !== openingOf(open) && neededSeconds(walk, open.pointKey) > 0) this.askKeyFrame(w, openingOf(open));

    clearTimeout(w.due);
    w.due = undefined;
    if (!walk.closed) {
      for (const run of runs) {
        const need = neededSeconds(walk, run.pointKey);
        if (!need || videoMet(walk, run.pointKey, need)) continue;
        const from = countedFrom(run, keyFrames);
        if (from === undefined) continue;
        const counted = (run.to ?? now) - from;
        if (counted >= need * 1000) {
          await this.attach(w, { pointKey: run.pointKey, segmentId: run.segmentId, fromMs: from, toMs: from + need * 1000, seconds: need, cause: 'dwell', requestedBy: 'system' });
        } else if (run.to === null && this.watched.get(w.sessionId) === w) {
          // The open run reaches the rule in this long: check exactly then.
          w.due = setTimeout(() => this.schedule(w), need * 1000 - counted + 20);
        }
      }
    }

    const status = open ? this.statusOf(w, open.pointKey, runs, keyFrames, now, walk) : null;
    const changed = JSON.stringify(status) !== JSON.stringify(w.status);
    w.status = status;
    // Sent every tick while there is something to count, so a console that joins sees it within a tick.
    if (changed || (status && ((status.neededSeconds > 0 && !status.met) || status.marked))) this.events.emit('status', w.sessionId, status);
    return status;
  }

  private statusOf(w: Watched, pointKey: string, runs: DwellRun[], keyFrames: number[], now: number, walk: ChecklistWalk): PointVideoStatus {
    const need = neededSeconds(walk, pointKey);
    const current = runs.find((r) => r.to === null && r.pointKey === pointKey);
    const inMark = current && w.mark?.pointKey === pointKey ? withinWindow(current, { from: w.mark.from, to: null }) : undefined;
    return {
      pointKey,
      neededSeconds: need,
      seconds: current ? Math.floor(countedMs(current, keyFrames, now) / 1000) : 0,
      counting: !!current && countedFrom(current, keyFrames) !== undefined,
      met: need > 0 && videoMet(walk, pointKey, need),
      marked: w.mark?.pointKey === pointKey ? { since: w.mark.from, seconds: inMark ? Math.floor(countedMs(inMark, keyFrames, now) / 1000) : 0 } : null,
    };
  }

  /** Each continuous recorded stretch of an explicit recording becomes a clip and a note. */
  private async finishMark(w: Watched, at: number): Promise<void> {
    const mark = w.mark;
    if (!mark) return;
    w.mark = undefined;
    const { runs, keyFrames } = await this.runs(w);
    let made = 0;
    for (const run of runs) {
      if (run.pointKey !== mark.pointKey) continue;
      const inside = withinWindow(run, { from: mark.from, to: at });
      if (!inside) continue;
      const from = countedFrom(inside, keyFrames);
      const to = inside.to ?? at;
      if (from === undefined || to - from < MIN_MARKED_MS) continue;
      await this.attach(w, { pointKey: mark.pointKey, segmentId: run.segmentId, fromMs: from, toMs: to, seconds: Math.floor((to - from) / 1000), cause: 'marked', requestedBy: mark.by });
      made++;
    }
    this.log.info({ sessionId: w.sessionId, pointKey: mark.pointKey, clips: made, ms: at - mark.from }, made ? 'point recording finished' : 'point recording held no recorded video');
  }

  /** Registers the clip (once), puts its note on the walk, and hands it to the cutter. */
  private async attach(w: Watched, c: { pointKey: string; segmentId: string; fromMs: number; toMs: number; seconds: number; cause: ClipCause; requestedBy: string }): Promise<void> {
    const clip = await this.deps.store.pendingClips.insert({ id: newId(12), sessionId: w.sessionId, caseId: w.caseId, ...c, createdAt: this.deps.clock.now(), state: 'pending', attempts: 0 });
    const walk = await this.deps.walks.walk(w.sessionId);
    if (!walk.closed && !noted(walk, clip.id)) {
      await this.note(clip).catch((err: unknown) => this.log.warn({ err, clipId: clip.id }, 'the walk refused a point’s video note; the clip is still cut'));
    }
    this.log.info({ sessionId: w.sessionId, pointKey: clip.pointKey, clipId: clip.id, cause: clip.cause, seconds: clip.seconds }, 'point video registered');
    this.deps.clips.added(clip);
  }

  private note(clip: PendingClip): Promise<void> {
    return this.deps.inspection.changeWalk(clip.sessionId, { type: 'evidence_attached', key: clip.pointKey, evidence: { evidenceId: clip.id, kind: 'video', seconds: clip.seconds } }, clip.requestedBy);
  }

  private askKeyFrame(w: Watched, opening: string | undefined): void {
    w.askedFor = opening;
    this.deps.keyFrames.request(w.sessionId).catch((err: unknown) => this.log.debug({ err, sessionId: w.sessionId }, 'key-frame request failed'));
  }

  /** Stops counting everywhere (explicit recordings end as with their call) and leaves no timer behind. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe.splice(0)) u();
    // A failed step was logged by serial(); closing goes on regardless.
    for (const id of [...this.watched.keys()]) this.unwatch(id).catch(() => undefined);
    await Promise.allSettled([...this.stopping]);
    this.events.removeAll();
  }
}

/** One opening of a point: the same point opened again later is another opening. */
function openingOf(p: PointSpan): string {
  return `${p.pointKey}@${p.from}`;
}

function openPoint(events: readonly WalkEvent[]): PointSpan | undefined {
  const last = pointSpans(events).at(-1);
  return last?.to === null ? last : undefined;
}

function neededSeconds(walk: ChecklistWalk, pointKey: string): number {
  return walk.plan.points.find((p) => p.key === pointKey)?.evidence.minVideoSeconds ?? 0;
}

function videoMet(walk: ChecklistWalk, pointKey: string, need: number): boolean {
  return (walk.evidence.get(pointKey) ?? []).some((n) => n.kind === 'video' && (n.seconds ?? 0) >= need);
}

function noted(walk: ChecklistWalk, evidenceId: string): boolean {
  for (const notes of walk.evidence.values()) if (notes.some((n) => n.evidenceId === evidenceId)) return true;
  return false;
}
