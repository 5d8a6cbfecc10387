import type { CaseRecord } from '../cases/CaseRecord';
import type { CaseService } from '../cases/CaseService';
import type { WalkEventBody } from '../checklist/WalkEvent';
import type { Clock } from '../platform/clock';
import { Conflict, Invalid, NotFound } from '../platform/errors';
import { newId } from '../platform/ids';
import { text, type Lang, type Text } from '../platform/Text';
import type { Logger } from '../platform/logger';
import type { TypedEvents } from '../platform/TypedEvents';
import type { OutcomeKind } from '../protocol/walk';
import type { Store } from '../store/Store';
import type { InspectionEvents } from './InspectionEvents';
import type { InspectionSession } from './InspectionSession';
import type { InspectionWalks } from './InspectionWalks';
import { inspectedBy } from './inspectedBy';
import { DECISION_STEPS, type ReviewDecision } from './reviewDecision';
import { acceptsCall, acceptsWalkChanges, isSealedRecord, type SessionState } from './SessionState';
import type { SessionTransition, TransitionTrigger } from './SessionTransition';
import { readReason, SYSTEM_REASONS } from './systemReasons';
import { canTransition, presenceStep, stateLabel, type PresenceSnapshot } from './transitions';
import type { SealRequest } from '../evidence/seal/CaseSeals';

/** Seals a finished session's logs into the case's evidence chain; returns the record's hash. */
export interface SessionSealer {
  seal(sessionId: string, events: Awaited<ReturnType<InspectionWalks['eventLog']>>, transitions: SessionTransition[], closedBy: string, walk: Awaited<ReturnType<InspectionWalks['walk']>>): Promise<string>;
  /** The hash of the session's sealed log, if it was sealed already (a restart must not seal twice). */
  sealedLog(caseId: string, sessionId: string): Promise<string | undefined>;
  /** Appends a seal record: the case's record count and head after a lifecycle step. */
  sealCase(req: SealRequest): Promise<string>;
}

/** What each trigger does, as the end of "cannot ..." in a refusal. */
const TRIGGER_VERBS: Record<TransitionTrigger, Text> = {
  inspector_joined: text('开始通话', 'start the call'),
  applicant_joined: text('接入申请人', 'admit the applicant'),
  applicant_dropped: text('标记申请人重连', 'mark the applicant as reconnecting'),
  applicant_absent: text('标记申请人离开', 'mark the applicant as gone'),
  walk_closed: text('结束检查清单', 'close the checklist'),
  call_ended: text('结束通话', 'end the call'),
  sealed: text('封存', 'seal it'),
  review_approved: text('复核通过', 'approve it on review'),
  review_sent_back: text('退回审批人员', 'send it back to the inspector'),
  resumed: text('恢复勘验', 'resume the inspection'),
  abandoned: text('放弃勘验', 'abandon the inspection'),
  server_restarted: text('重置通话', 'reset the call'),
};

/**
 * The one owner of every inspection session's lifecycle. It decides the order of domain steps
 * (close the checklist, then end the call, then seal), stores every transition with who, when and
 * why, and announces each as a typed event. Calls report presence to it; transports ask it.
 */
export class InspectionLifecycle {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly cases: CaseService,
    private readonly walks: InspectionWalks,
    private readonly sealer: SessionSealer,
    private readonly clock: Clock,
    readonly events: TypedEvents<InspectionEvents>,
    private readonly log: Logger,
  ) {}

  /** A new session of the case; with a parent it is a re-inspection (复验) of that session's failed points. */
  async schedule(caseRecord: CaseRecord, actor: string, parentSessionId?: string): Promise<InspectionSession> {
    if (parentSessionId) {
      const { session: parent } = await this.session(parentSessionId);
      if (parent.caseId !== caseRecord.id) throw new Invalid(text('复验必须针对同一案件', 'A re-inspection must belong to the same case'), 'parent of another case');
      // Sealed, whether or not a reviewer decided on it since: approved with failures to rectify, or sent back.
      if (!isSealedRecord(parent.state)) throw new Conflict(text('原勘验尚未完成检查清单并结束，不能发起复验', 'The original inspection has not closed its checklist and ended yet, so no re-inspection can be started'), `parent is ${parent.state}`);
      for (const s of await this.store.sessions.listByCase(caseRecord.id)) {
        if (s.state !== 'abandoned' && (await this.walks.parentOf(s.id)) === parentSessionId) {
          throw new Conflict(text('这次勘验已经发起过复验，请在案件中打开那次复验', 'This inspection already has a re-inspection; open it from the case'), `re-inspection ${s.id} exists`);
        }
      }
    }
    // Loaded before the transaction: a load started elsewhere must not wait on it from inside.
    if (parentSessionId) await this.walks.walk(parentSessionId);
    const now = this.clock.now();
    const session: InspectionSession = { id: newId(12), caseId: caseRecord.id, state: 'scheduled', createdAt: now, stateChangedAt: now };
    await this.store.transaction(async () => {
      await this.store.sessions.insert(session);
      await this.walks.start(caseRecord, session.id, parentSessionId);
    });
    this.log.info({ sessionId: session.id, caseId: caseRecord.id, actor, parentSessionId }, 'inspection scheduled');
    return session;
  }

  async session(sessionId: string): Promise<{ session: InspectionSession; caseRecord: CaseRecord }> {
    const session = await this.store.sessions.get(sessionId);
    if (!session) throw new NotFound(text('勘验会话不存在', 'No such inspection session'), `session ${sessionId} not found`);
    return { session, caseRecord: await this.cases.get(session.caseId) };
  }

  sessionsOf(caseId: string): Promise<InspectionSession[]> {
    return this.store.sessions.listByCase(caseId);
  }

  transitions(sessionId: string): Promise<SessionTransition[]> {
    return this.store.sessions.transitions(sessionId);
  }

  /** The history as a reader sees it: the server's own reasons in the reader's language (the stored record stays as sealed). */
  async history(sessionId: string, lang: Lang): Promise<SessionTransition[]> {
    return (await this.transitions(sessionId)).map((t) => (t.reason ? { ...t, reason: readReason(t.reason, lang) } : t));
  }

  /** The call reports who is in it; the lifecycle moves accordingly (or not at all). */
  presence(sessionId: string, snapshot: PresenceSnapshot): Promise<void> {
    return this.serial(sessionId, async () => {
      const { session } = await this.session(sessionId);
      const step = presenceStep(session.state, snapshot);
      if (step) await this.move(session, step.trigger, step.to, 'system');
    });
  }

  /** One checklist change by an inspector in the call. */
  changeWalk(sessionId: string, body: WalkEventBody, actor: string): Promise<void> {
    return this.serial(sessionId, async () => {
      const { session } = await this.session(sessionId);
      this.requireWalkOpen(session);
      await this.walks.record(sessionId, body, actor);
    });
  }

  /** Closing the checklist ends the inspection: the call ends and the session is sealed. */
  closeWalk(sessionId: string, req: { outcome: OutcomeKind; computed: OutcomeKind; overrideReason?: string }, actor: string): Promise<void> {
    return this.serial(sessionId, async () => {
      const { session } = await this.session(sessionId);
      this.requireWalkOpen(session);
      await this.walks.close(sessionId, req, actor);
      await this.move(session, 'walk_closed', 'checklist_closed', actor, undefined, { outcome: req.outcome });
      await this.finish(session, actor, SYSTEM_REASONS.walkClosed['zh-CN']);
    });
  }

  /**
   * The inspector ends the call. With the checklist closed the inspection is over; with it open the
   * inspection is interrupted: it can be resumed in a new call on the same walk, or abandoned.
   */
  endCall(sessionId: string, actor: string, reason?: string): Promise<SessionState> {
    return this.serial(sessionId, async () => {
      const { session } = await this.session(sessionId);
      if (session.state === 'checklist_closed') await this.finish(session, actor, reason);
      else await this.move(session, 'call_ended', 'interrupted', actor, reason ?? SYSTEM_REASONS.callEndedWithWalkOpen['zh-CN']);
      return session.state;
    });
  }

  resume(sessionId: string, actor: string): Promise<void> {
    return this.serial(sessionId, async () => {
      const { session } = await this.session(sessionId);
      await this.move(session, 'resumed', 'scheduled', actor);
    });
  }

  abandon(sessionId: string, actor: string, reason: string): Promise<void> {
    return this.serial(sessionId, async () => {
      if (reason.trim().length < 5) throw new Invalid(text('放弃勘验需要填写不少于5个字的理由', 'Abandoning an inspection needs a reason of at least 5 characters'), 'abandon needs a reason');
      const { session } = await this.session(sessionId);
      await this.move(session, 'abandoned', 'abandoned', actor, reason.trim());
      await this.sealOnce(session, actor);
      await this.sealCase({ sessionId: session.id, step: 'abandoned', actor });
    });
  }

  /**
   * A reviewer's decision on a sealed inspection: it stands (approved) or goes back to the inspector
   * (sent back), with the reviewer's reason in the log. Taken once; the sealed record is not reopened
   * (a re-inspection follows a sent-back session). Who may decide is for authorize() to say.
   */
  review(sessionId: string, decision: ReviewDecision, reason: string, actor: string): Promise<SessionState> {
    return this.serial(sessionId, async () => {
      if (reason.trim().length < 5) throw new Invalid(text('复核决定需要填写不少于5个字的理由', 'A review decision needs a reason of at least 5 characters'), 'review needs a reason');
      const { session } = await this.session(sessionId);
      const step = DECISION_STEPS[decision];
      await this.move(session, step.trigger, step.to, actor, reason.trim());
      await this.sealCase({ sessionId: session.id, step: 'reviewed', actor, review: { decision, reason: reason.trim() } });
      return session.state;
    });
  }

  /** Who did the inspection (staff usernames), for the rule that no one reviews their own. */
  inspectedBy(sessionId: string): Promise<string[]> {
    return inspectedBy(this.store, sessionId);
  }

  /** Refuses unless the session is in a state where a call can be held. */
  requireCallOpen(session: InspectionSession): void {
    if (!acceptsCall(session.state)) throw new Conflict(inState(session.state, text('不能进入通话', 'the call cannot be joined')), `session is ${session.state}`, `session_${session.state}`);
  }

  /**
   * After a restart no call exists: sessions that were in a call go back to scheduled (pages rejoin
   * on their own), and a decision that was taken but not finished (closed, not yet sealed) is
   * carried through.
   */
  async recover(): Promise<void> {
    const open = ['waiting_for_applicant', 'live', 'applicant_reconnecting', 'checklist_closed', 'ended', 'abandoned'] as const;
    for (const s of await this.store.sessions.listInStates(open)) {
      await this.serial(s.id, async () => {
        // Killed between closing the checklist and recording it: the decision was taken, finish it.
        if (acceptsWalkChanges(s.state) && (await this.walks.walk(s.id)).closed) {
          await this.move(s, 'walk_closed', 'checklist_closed', 'system', SYSTEM_REASONS.closedAfterRestart['zh-CN'], { outcome: (await this.walks.walk(s.id)).closed!.outcome });
        }
        if (s.state === 'checklist_closed' || s.state === 'ended') await this.finish(s, 'system', SYSTEM_REASONS.sealedAfterRestart['zh-CN']);
        else if (s.state === 'abandoned') await this.sealOnce(s, 'system');
        else await this.move(s, 'server_restarted', 'scheduled', 'system', SYSTEM_REASONS.restarted['zh-CN']);
      }).catch((err: unknown) => this.log.error({ err, sessionId: s.id }, 'could not recover session'));
    }
  }

  private async finish(session: InspectionSession, actor: string, reason?: string): Promise<void> {
    if (session.state === 'checklist_closed') await this.move(session, 'call_ended', 'ended', actor, reason);
    const recordHash = await this.sealOnce(session, actor);
    await this.move(session, 'sealed', 'sealed', 'system');
    await this.sealCase({ sessionId: session.id, step: 'closed', actor });
    this.events.emit('session.sealed', { sessionId: session.id, caseId: session.caseId, recordHash });
  }

  /**
   * The step has happened; its seal states the case's records so far. A failure to seal is logged,
   * not thrown: the step stands, and the next seal covers every record before it.
   */
  private async sealCase(req: SealRequest): Promise<void> {
    await this.sealer.sealCase(req).catch((err: unknown) => this.log.error({ err, sessionId: req.sessionId, step: req.step }, 'could not seal the case after a lifecycle step'));
  }

  /** Seals the session's logs unless a crash left them sealed already (one walk_log record per session). */
  private async sealOnce(session: InspectionSession, actor: string): Promise<string> {
    const sealed = await this.sealer.sealedLog(session.caseId, session.id);
    if (sealed) return sealed;
    return this.sealer.seal(session.id, await this.walks.eventLog(session.id), await this.transitions(session.id), actor, await this.walks.walk(session.id));
  }

  /** Whether the session's checklist still takes changes and evidence. */
  async walkOpen(sessionId: string): Promise<boolean> {
    return acceptsWalkChanges((await this.session(sessionId)).session.state);
  }

  /** The phone's latest reported position in this session, if any. */
  latestFix(sessionId: string) {
    return this.store.fixes.latest(sessionId);
  }

  requireWalkOpen(session: InspectionSession): void {
    if (!acceptsWalkChanges(session.state)) throw new Conflict(inState(session.state, text('检查清单不能再修改', 'its checklist can no longer be changed')), `session is ${session.state}`);
  }

  private async move(session: InspectionSession, trigger: TransitionTrigger, to: SessionState, actor: string, reason?: string, extra?: { outcome?: string }): Promise<void> {
    const from = session.state;
    if (!canTransition(from, trigger, to)) {
      const [state, verb] = [stateLabel(from), TRIGGER_VERBS[trigger]];
      const refusal = text(`本次勘验当前为“${state['zh-CN']}”，不能${verb['zh-CN']}`, `This inspection is “${state.en}”, so you cannot ${verb.en} now`);
      throw new Conflict(refusal, `refused ${trigger}: ${from} -> ${to}`, 'transition_refused');
    }
    const at = this.clock.now();
    // Compare-and-set in the store: another node (or a racing request) that moved first wins.
    if (!(await this.store.sessions.transition({ sessionId: session.id, from, to, trigger, actor, reason, at }, extra))) {
      throw new Conflict(text('勘验状态已被其他操作更改，请刷新后重试', 'The inspection was changed by another action meanwhile; reload and try again'), `session ${session.id} left ${from} meanwhile`, 'transition_raced');
    }
    session.state = to;
    session.stateChangedAt = at;
    this.log.info({ sessionId: session.id, from, to, trigger, actor, reason }, 'inspection state changed');
    this.events.emit('state.changed', { sessionId: session.id, caseId: session.caseId, from, to, trigger, actor, reason, at });
  }

  /** One step at a time per session, so presence, commands and ending never interleave. */
  private serial<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(sessionId) ?? Promise.resolve();
    const run = prev.then(work);
    const tail = run.catch(() => undefined);
    this.queues.set(sessionId, tail);
    void tail.then(() => {
      if (this.queues.get(sessionId) === tail) this.queues.delete(sessionId);
    });
    return run;
  }
}

/** "本次勘验<state>，<what>": why a step is refused in the session's present state. */
function inState(state: SessionState, what: Text): Text {
  const label = stateLabel(state);
  return text(`本次勘验${label['zh-CN']}，${what['zh-CN']}`, `This inspection is ${label.en}; ${what.en}`);
}
