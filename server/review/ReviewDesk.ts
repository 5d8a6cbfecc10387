import type { InspectionLifecycle } from '../inspection/InspectionLifecycle';
import { decisionIn, type ReviewDecision, type TakenDecision } from '../inspection/reviewDecision';
import { isSealedRecord, type SessionState } from '../inspection/SessionState';
import type { Clock } from '../platform/clock';
import { Conflict, Invalid } from '../platform/errors';
import { newId } from '../platform/ids';
import { text } from '../platform/Text';
import { COMMENT_MAX_CHARS } from '../protocol/review';
import type { ReviewCommentRepository } from '../store/Store';
import type { ReviewComment } from './ReviewComment';

/**
 * The reviewer's side of a sealed inspection (复核): comments pinned to moments of its recording,
 * and the one decision, which the lifecycle takes as a transition (so it is logged with who and why
 * and announced like any other step). Who may use it is for authorize() to say, not for this desk.
 */
export class ReviewDesk {
  constructor(
    private readonly comments: ReviewCommentRepository,
    private readonly lifecycle: InspectionLifecycle,
    private readonly clock: Clock,
  ) {}

  /** The session's comments in the order they were written, and the decision if one was taken. */
  async view(sessionId: string): Promise<{ comments: ReviewComment[]; decision?: TakenDecision }> {
    const [comments, transitions] = await Promise.all([this.comments.listBySession(sessionId), this.lifecycle.transitions(sessionId)]);
    const decision = decisionIn(transitions);
    return { comments: [...comments].sort((a, b) => a.at - b.at), ...(decision ? { decision } : {}) };
  }

  /** A remark on a sealed inspection, at `offsetMs` from its recording start (null: on the whole inspection). */
  async comment(sessionId: string, input: { offsetMs: number | null; body: string }, author: string): Promise<ReviewComment> {
    const body = input.body.trim();
    if (!body || body.length > COMMENT_MAX_CHARS) {
      throw new Invalid(text(`评论内容应为1至${COMMENT_MAX_CHARS}个字`, `A comment must have 1 to ${COMMENT_MAX_CHARS} characters`), `comment of ${body.length} chars`);
    }
    const { offsetMs } = input;
    if (offsetMs !== null && !(Number.isInteger(offsetMs) && offsetMs >= 0)) {
      throw new Invalid(text('录像时间点应为不小于0的整数毫秒', 'The time in the recording must be a whole number of milliseconds, 0 or more'), `offset ${offsetMs}`);
    }
    const { session } = await this.lifecycle.session(sessionId);
    if (!isSealedRecord(session.state)) {
      throw new Conflict(text('勘验结束并封存后才能发表复核意见', 'Review comments can be made only once the inspection has ended and been sealed'), `comment on a ${session.state} session`);
    }
    const comment: ReviewComment = { id: newId(12), sessionId, offsetMs, body, author, at: this.clock.now() };
    await this.comments.insert(comment);
    return comment;
  }

  /** The decision, as a lifecycle step (refused unless the session is sealed and undecided); returns the new state. */
  decide(sessionId: string, decision: ReviewDecision, reason: string, reviewer: string): Promise<SessionState> {
    return this.lifecycle.review(sessionId, decision, reason, reviewer);
  }
}
