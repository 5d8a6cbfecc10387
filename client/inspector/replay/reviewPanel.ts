import type { ReviewView } from '../../../server/protocol/review';
import { api, ApiError } from '../../shared/api';
import { h, toast } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { beijingTime, fill } from '../../shared/staff';
import { clockText } from './replayTime';

/** What GET /api/sessions/:id/review answers (server/http/routes/reviewRoutes.ts). */
type ReviewState = ReviewView;

export interface ReviewPanelDeps {
  sessionId: string;
  /** The playhead now, on the session clock. */
  now(): number;
  seek(ms: number): void;
  fail(err: unknown): void;
}

/**
 * The reviewer's part: comments pinned to a moment of the recording (or to the whole inspection),
 * and the decision, approve or send back with a reason. The routes answer 404 until the review
 * part of the server exists: the panel then says so and offers nothing.
 */
export interface ReviewPanel {
  root: HTMLElement;
  /** Keeps "pin to the current time" saying the playhead's time. */
  setTime(ms: number): void;
}

export function reviewPanel(d: ReviewPanelDeps): ReviewPanel {
  const root = h('div', { class: 'review-panel', 'data-state': 'loading' }, h('p', { class: 'muted' }, t('replay.review.loading')));
  let pinLabel: (() => void) | undefined;
  const base = `/api/sessions/${encodeURIComponent(d.sessionId)}/review`;

  async function load(): Promise<void> {
    let state: ReviewState;
    try {
      state = await api<ReviewState>('GET', base);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        root.dataset.state = 'unavailable';
        root.replaceChildren(h('p', { class: 'notice review-unavailable' }, t('replay.review.unavailable')));
        return;
      }
      throw err;
    }
    root.dataset.state = 'ready';
    const form = commentForm(state);
    root.replaceChildren(comments(state), ...(form ? [form] : []), decision(state));
  }

  function comments(s: ReviewState): HTMLElement {
    if (!s.comments.length) return h('p', { class: 'muted review-none' }, t('replay.review.noComments'));
    const sorted = [...s.comments].sort((a, b) => (a.offsetMs ?? -1) - (b.offsetMs ?? -1) || a.at - b.at);
    return h(
      'ol',
      { class: 'review-comments' },
      ...sorted.map((c) =>
        h(
          'li',
          { class: 'review-comment', 'data-comment-id': c.id },
          c.offsetMs === null
            ? h('span', { class: 'comment-at whole' }, t('replay.review.whole'))
            : h('button', { type: 'button', class: 'link comment-at', onclick: () => d.seek(c.offsetMs!) }, clockText(c.offsetMs)),
          h('p', { class: 'comment-body' }, c.body),
          h('p', { class: 'muted small-text' }, fill('replay.review.by', { who: c.author, time: beijingTime(c.at) })),
        ),
      ),
    );
  }

  function commentForm(s: ReviewState): HTMLElement | null {
    // Comments stay open after the decision; the decision itself is taken once.
    if (!(s.canComment ?? s.canReview)) return null;
    const body = h('textarea', { class: 'comment-input', rows: 3, maxLength: 2000, placeholder: t('replay.review.commentPlaceholder') });
    const pin = h('input', { type: 'checkbox', class: 'comment-pin', checked: true });
    const pinText = h('span', {});
    const refreshPin = () => (pinText.textContent = fill('replay.review.pin', { at: clockText(d.now()) }));
    refreshPin();
    pinLabel = refreshPin;
    const form = h(
      'form',
      { class: 'comment-form' },
      h('label', {}, t('replay.review.comment'), body),
      h('label', { class: 'inline' }, pin, pinText),
      h('button', { type: 'submit', class: 'primary' }, t('replay.review.add')),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = body.value.trim();
      if (!text) return toast(t('replay.review.empty'), 'error', 5000);
      api('POST', `${base}/comments`, { offsetMs: pin.checked ? Math.max(0, Math.round(d.now())) : null, body: text })
        .then(() => {
          toast(t('replay.review.added'));
          return load();
        })
        .catch(d.fail);
    });
    return form;
  }

  function decision(s: ReviewState): HTMLElement {
    const box = h('section', { class: 'review-decision-box', 'aria-labelledby': 'review-decision-heading' }, h('h4', { id: 'review-decision-heading' }, t('replay.review.decision')));
    if (s.decision) {
      box.append(
        h('p', { class: `decided decided-${s.decision.decision}`, 'data-decision': s.decision.decision }, h('strong', {}, t(`replay.review.decided.${s.decision.decision}`)), ` · ${fill('replay.review.decidedBy', { who: s.decision.by, time: beijingTime(s.decision.at) })}`),
      );
      if (s.decision.reason) box.append(h('p', { class: 'decided-reason' }, s.decision.reason));
      return box;
    }
    if (!s.canReview) {
      box.append(h('p', { class: 'muted' }, t('replay.review.cannot')));
      return box;
    }
    const reason = h('textarea', { class: 'decision-reason', rows: 2, maxLength: 2000, placeholder: t('replay.review.reasonPlaceholder') });
    const decide = (decision: 'approve' | 'send_back') => {
      const text = reason.value.trim();
      if (!text) return toast(t('replay.review.reasonNeeded'), 'error', 5000);
      api('POST', `${base}/decision`, { decision, reason: text })
        .then(() => {
          toast(t('replay.review.done'));
          return load();
        })
        .catch(d.fail);
    };
    box.append(
      h('label', {}, t('replay.review.reason'), reason),
      h(
        'div',
        { class: 'row decision-actions' },
        h('button', { type: 'button', class: 'primary approve', onclick: () => decide('approve') }, t('replay.review.approve')),
        h('button', { type: 'button', class: 'danger-outline send-back', onclick: () => decide('send_back') }, t('replay.review.sendBack')),
      ),
    );
    return box;
  }

  load().catch(d.fail);
  let shownSecond = -1;
  return {
    root,
    setTime(ms) {
      const second = Math.floor(ms / 1000);
      if (second === shownSecond) return;
      shownSecond = second;
      pinLabel?.();
    },
  };
}
