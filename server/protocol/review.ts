import { z } from 'zod';
import { REVIEW_DECISIONS, type ReviewDecision } from '../inspection/reviewDecision';
import type { SessionState } from '../inspection/SessionState';
import { text } from '../platform/Text';
import { labelled } from './fieldText';
import { humanText } from './text';

/** Longest comment, in UTF-16 units after trimming (one per Chinese character). */
export const COMMENT_MAX_CHARS = 2000;

/** No inspection's recording runs a day: a larger offset is a mistake, not a moment. */
const MAX_OFFSET_MS = 24 * 3600_000;

/** A reviewer's comment: pinned to a moment of the recording (ms from its start), or null for the whole inspection. */
export const ReviewCommentInput = z.object({
  offsetMs: labelled(z.number().int().min(0).max(MAX_OFFSET_MS).nullable(), text('录像时间点', 'Time in the recording')),
  body: humanText({ label: text('评论内容', 'Comment'), min: 1, max: COMMENT_MAX_CHARS, multiline: true }),
});
export type ReviewCommentInput = z.infer<typeof ReviewCommentInput>;

/** Approve the inspection or send it back to the inspector, always with a reason. */
export const ReviewDecisionInput = z.object({
  decision: labelled(z.enum(REVIEW_DECISIONS), text('复核决定', 'Review decision')),
  reason: humanText({ label: text('理由', 'Reason'), min: 5, minMessage: text('请填写不少于5个字的理由', 'Give a reason of at least 5 characters'), max: 1000, multiline: true }),
});
export type ReviewDecisionInput = z.infer<typeof ReviewDecisionInput>;

// What the routes answer (GET /api/sessions/:id/review, POST .../review/comments, POST .../review/decision).

export interface ReviewCommentView {
  id: string;
  offsetMs: number | null;
  body: string;
  /** The reviewer's username. */
  author: string;
  at: number;
}

export interface ReviewView {
  /** Oldest first. */
  comments: ReviewCommentView[];
  /** Absent until a reviewer decided; `by` is the reviewer's username. */
  decision?: { decision: ReviewDecision; reason: string; by: string; at: number };
  /** The asking account may take the decision now (it may review and none was taken yet). */
  canReview: boolean;
  /** The asking account may comment (it may review; comments stay open after the decision). */
  canComment: boolean;
}

export interface ReviewCommentCreated {
  comment: ReviewCommentView;
}

export interface ReviewDecisionTaken {
  state: SessionState;
}
