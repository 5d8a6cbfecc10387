import express, { type Response } from 'express';
import { isAllowed } from '../../accounts/authorize';
import { awaitsDecision } from '../../inspection/reviewDecision';
import { parseInput } from '../../protocol/parseInput';
import { ReviewCommentInput, ReviewDecisionInput, type ReviewCommentCreated, type ReviewCommentView, type ReviewDecisionTaken, type ReviewView } from '../../protocol/review';
import type { ReviewComment } from '../../review/ReviewComment';
import type { ReviewDesk } from '../../review/ReviewDesk';
import type { HttpContext, Locals } from '../HttpContext';

const wireComment = ({ id, offsetMs, body, author, at }: ReviewComment): ReviewCommentView => ({ id, offsetMs, body, author, at });

/** The reviewer's desk for one sealed session (复核): its comments, and approve or send back with a reason. */
export function reviewRoutes({ deps, requireStaff, allow }: HttpContext, desk: ReviewDesk): express.Router {
  const r = express.Router();
  const load = (id: unknown) => deps.resources.ofReview(String(id));

  // Whoever may read the session sees the review; what the page offers follows the same rule the POSTs check.
  r.get('/api/sessions/:id/review', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, session } = await load(req.params.id);
    allow(res, 'session.read', resource);
    const mayReview = isAllowed({ kind: 'staff', member: res.locals.member }, 'session.review', resource);
    const { comments, decision } = await desk.view(session.id);
    res.json({ comments: comments.map(wireComment), ...(decision ? { decision } : {}), canReview: mayReview && awaitsDecision(session.state), canComment: mayReview } satisfies ReviewView);
  });

  r.post('/api/sessions/:id/review/comments', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, session } = await load(req.params.id);
    allow(res, 'session.review', resource);
    const input = parseInput(ReviewCommentInput, req.body ?? {});
    const comment = await desk.comment(session.id, input, res.locals.member.username);
    res.status(201).json({ comment: wireComment(comment) } satisfies ReviewCommentCreated);
  });

  r.post('/api/sessions/:id/review/decision', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, session } = await load(req.params.id);
    allow(res, 'session.review', resource);
    const { decision, reason } = parseInput(ReviewDecisionInput, req.body ?? {});
    res.json({ state: await desk.decide(session.id, decision, reason, res.locals.member.username) } satisfies ReviewDecisionTaken);
  });
  return r;
}
