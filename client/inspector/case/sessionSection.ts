import type { SessionState } from '../../../server/inspection/SessionState';
import { api } from '../../shared/api';
import { h, toast } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { beijingTime, fill, labelled } from '../../shared/staff';
import { sessionStateLabel } from '../labels';
import type { CaseActions } from './CaseActions';
import { closedBox, outcomeBadge, permitTable, pointList, resultCounts, type NameOf } from './decidedWalk';
import { historyBox } from './sessionHistory';
import { linksBox } from './sessionLinks';
import type { NumberedSession, SessionRow } from './types';

/** States in which a call can be held (server/inspection/SessionState.ts acceptsCall). */
const IN_CALL: readonly SessionState[] = ['scheduled', 'waiting_for_applicant', 'live', 'applicant_reconnecting', 'checklist_closed'];

export const hasFailures = (s: SessionRow): boolean => s.walk.points.some((p) => p.applies && (p.result === 'fail' || p.result === 'needs_rectification'));

/** Sealed (approved or sent back on review since, or not yet reviewed): what a re-inspection may follow (server/inspection/SessionState.ts isSealedRecord). */
const SEALED: readonly SessionState[] = ['sealed', 'approved', 'sent_back'];

/** A sealed session with failures and no re-inspection under way can be re-inspected (复验). */
export const canReinspect = (x: NumberedSession): boolean =>
  SEALED.includes(x.s.state) && x.s.canManage && hasFailures(x.s) && (!x.child || x.child.s.state === 'abandoned');

/** Moves to another session's section of the page and gives it focus (a re-inspection and its original). */
function goTo(sessionId: string): void {
  const el = document.querySelector<HTMLElement>(`.session[data-session-id="${sessionId}"]`);
  if (!el) return;
  el.scrollIntoView({ block: 'start' });
  el.focus({ preventScroll: true });
}

/**
 * One inspection of the case: its state and outcome, the re-inspections on either side of it, what
 * can be done with it now, the decision with each permit's result and sign-off, each point's result
 * with notes and photos, its links and its history.
 */
export function sessionSection(x: NumberedSession, newest: boolean, nameOf: NameOf, ctx: CaseActions): HTMLElement {
  const { s, n } = x;
  const inCall = IN_CALL.includes(s.state);
  // The server says what this account may do; it still decides each request.
  const canManage = s.canManage;
  const reinspectable = canReinspect(x);
  const title = fill('session.title', { n });
  const reinspect = () => ctx.act(() => api('POST', `/api/sessions/${s.id}/reinspect`), t('casePage.reinspectCreated'));
  const actions: Array<HTMLElement | null> = [
    inCall && s.canWork ? h('a', { class: 'button primary open-session', href: `#/session/${s.id}` }, t('btn.open')) : null,
    inCall && s.canObserve && !s.canWork ? h('a', { class: 'button observe-session', href: `#/session/${s.id}` }, t('session.observe')) : null,
    // A call nobody works any more (a crashed console) can be interrupted from here, then resumed or abandoned.
    ['waiting_for_applicant', 'live', 'applicant_reconnecting'].includes(s.state) && canManage
      ? h('button', { class: 'danger-outline interrupt', onclick: () => confirm(t('session.interruptConfirm')) && ctx.act(() => api('POST', `/api/sessions/${s.id}/interrupt`, {}), t('session.interruptedDone')) }, t('session.interrupt'))
      : null,
    s.state === 'interrupted' && canManage ? h('button', { class: 'primary resume', onclick: () => ctx.act(() => api('POST', `/api/sessions/${s.id}/resume`), t('session.resumed')) }, t('session.resume')) : null,
    s.state === 'interrupted' && canManage ? abandonControl(s, ctx) : null,
    reinspectable ? h('button', { class: 'primary reinspect', onclick: reinspect }, t('walk.reinspect')) : null,
    // What was decided, read-only: the whole checklist of a session no call works on any more.
    !inCall ? h('a', { class: 'button open-review', href: `#/review/${s.id}`, 'aria-label': fill('casePage.openReviewLabel', { title }) }, t('casePage.openReview')) : null,
    // The recording, with the checklist on its timeline: for whoever may see the evidence (the server decides).
    !inCall ? h('a', { class: 'button open-replay', href: `#/replay/${s.id}`, 'aria-label': fill('replay.openLabel', { title }) }, `▶ ${t('replay.open')}`) : null,
  ];
  const hint = s.state === 'interrupted' ? t('session.interruptedHint') : reinspectable ? t('session.reinspectHint') : null;
  const answered = s.walk.points.some((p) => p.result) || s.walk.outcome.permits.some((p) => p.signedBy || p.withdrawn);
  return h(
    'article',
    { class: `session${newest ? ' newest' : ''}`, 'data-session-id': s.id, 'data-state': s.state, tabindex: -1, 'aria-labelledby': `session-title-${s.id}` },
    h(
      'header',
      { class: 'session-head' },
      h('h4', { id: `session-title-${s.id}` }, title),
      h('span', { class: `state-badge state-${s.state}`, 'data-state': s.state }, sessionStateLabel(s.state)),
      s.outcome ? h('span', { class: 'session-outcome' }, `${t('session.outcome')} `, outcomeBadge(s.outcome)) : null,
      h('span', { class: 'muted' }, `${t('session.created')} ${beijingTime(s.createdAt)}`),
    ),
    x.parent || x.child
      ? h(
          'p',
          { class: 'reinspection-links' },
          x.parent ? h('button', { type: 'button', class: 'link reinspect-of', 'data-session-id': x.parent.s.id, onclick: () => goTo(x.parent!.s.id) }, fill('casePage.reinspectionOf', { n: x.parent.n })) : null,
          x.child
            ? h('button', { type: 'button', class: 'link reinspected-by', 'data-session-id': x.child.s.id, onclick: () => goTo(x.child!.s.id) }, fill(x.child.s.state === 'abandoned' ? 'casePage.reinspectionAbandoned' : 'casePage.reinspectedBy', { n: x.child.n }))
            : null,
        )
      : null,
    // The last end's reason matters while the session stays stopped (a resumed session keeps the old one).
    s.endReason && (s.state === 'interrupted' || s.state === 'abandoned') ? h('p', { class: 'muted end-reason' }, labelled(t('session.endReason'), s.endReason)) : null,
    hint ? h('p', { class: 'hint' }, hint) : null,
    actions.some(Boolean) ? h('div', { class: 'row session-actions' }, ...actions) : null,
    closedBox(s.walk, s.transitions, nameOf),
    answered ? permitTable(s.walk, nameOf) : null,
    answered
      ? h(
          'details',
          { class: 'session-results', open: newest },
          h('summary', {}, h('span', {}, t('casePage.results')), ' ', resultCounts(s.walk)),
          pointList(s.walk, { whole: false, sessionTitle: title }),
        )
      : null,
    canManage || s.links.length ? linksBox(s, inCall && canManage, newest && inCall, ctx) : null,
    historyBox(s.transitions, newest && !answered, nameOf),
  );
}

function abandonControl(s: SessionRow, ctx: CaseActions): HTMLElement {
  const wrap = h('span', { class: 'abandon-wrap' });
  const open = h('button', { class: 'danger-outline abandon' }, t('session.abandon'));
  open.addEventListener('click', () => {
    const reason = h('input', { class: 'abandon-reason', maxLength: 1000 });
    const confirmBtn = h('button', { class: 'danger confirm-abandon' }, t('session.abandon'));
    const cancel = h('button', { onclick: () => wrap.replaceChildren(open) }, t('admin.cancel'));
    confirmBtn.addEventListener('click', () => {
      const text = reason.value.trim();
      if ([...text].length < 5) return toast(t('session.abandonTooShort'), 'error', 6000);
      ctx.act(() => api('POST', `/api/sessions/${s.id}/abandon`, { reason: text }), t('session.abandoned'));
    });
    wrap.replaceChildren(h('div', { class: 'abandon-form' }, h('label', {}, t('session.abandonPrompt'), reason), h('span', { class: 'row' }, confirmBtn, cancel)));
    reason.focus();
  });
  wrap.append(open);
  return wrap;
}
