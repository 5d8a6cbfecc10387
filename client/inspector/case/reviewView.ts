import { caseFacts } from './caseFacts';
import type { CaseRecord } from '../../../server/cases/CaseRecord';
import { api, ApiError } from '../../shared/api';
import { h, toast } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { beijingTime, fill } from '../../shared/staff';
import { sessionStateLabel } from '../labels';
import { exportLink } from './casePage';
import { closedBox, factsList, nameLookup, permitTable, pointList, resultCounts } from './decidedWalk';
import { historyBox } from './sessionHistory';
import { canReinspect } from './sessionSection';
import { numberSessions, type CaseDetail } from './types';

/**
 * One inspection, read-only, with everything that was decided: the outcome and its reasons, each
 * permit's result and sign-off, the business facts, every checklist point with its result, note and
 * photos, and the history. What #/review/<id> shows, and what #/session/<id> of a finished session becomes.
 */
export function reviewView(sessionId: string, onLoggedOut: (message: string) => void): HTMLElement {
  const root = h('div', { class: 'review', 'data-session-id': sessionId }, h('p', { class: 'card muted' }, t('list.loading')));

  function fail(err: unknown): void {
    if (err instanceof ApiError && err.status === 401) onLoggedOut(err.message);
    else toast(err instanceof Error ? err.message : String(err), 'error', 8000);
  }

  async function load(): Promise<void> {
    const { caseRecord } = await api<{ caseRecord: CaseRecord }>('GET', `/api/sessions/${encodeURIComponent(sessionId)}`);
    const d = await api<CaseDetail>('GET', `/api/cases/${encodeURIComponent(caseRecord.id)}`);
    render(d);
  }

  function render(d: CaseDetail): void {
    const numbered = numberSessions(d.sessions);
    const x = numbered.find((n) => n.s.id === sessionId);
    const c = d.caseRecord;
    const back = h('a', { class: 'button back-to-case', href: `#/case/${c.id}` }, `← ${t('console.backToCase')}`);
    if (!x) {
      root.replaceChildren(h('nav', { class: 'review-nav' }, back), h('p', { class: 'card' }, t('review.notShown')));
      return;
    }
    const { s, n } = x;
    const nameOf = nameLookup({ ...Object.fromEntries(d.assignees.map((a) => [a.username, a.displayName])), ...d.names });
    const title = fill('session.title', { n });
    const reinspect = canReinspect(x)
      ? h(
          'button',
          {
            class: 'primary reinspect',
            onclick: () =>
              api('POST', `/api/sessions/${s.id}/reinspect`).then(() => {
                toast(t('casePage.reinspectCreated'));
                location.hash = `#/case/${c.id}`;
              }, fail),
          },
          t('walk.reinspect'),
        )
      : null;
    const related = (other: typeof x.parent, key: 'casePage.reinspectionOf' | 'casePage.reinspectedBy' | 'casePage.reinspectionAbandoned', cls: string) =>
      other ? h('a', { class: `${cls}`, href: `#/review/${other.s.id}`, 'data-session-id': other.s.id }, fill(key, { n: other.n })) : null;
    root.replaceChildren(
      h('nav', { class: 'review-nav', 'aria-label': t('review.nav') }, back, h('a', { class: 'button primary open-replay', href: `#/replay/${s.id}` }, `▶ ${t('replay.open')}`), h('span', { class: 'spacer' }), reinspect, exportLink(d)),
      h(
        'section',
        { class: 'card review-head', 'aria-labelledby': 'review-title' },
        h(
          'div',
          { class: 'case-head' },
          h('h2', { id: 'review-title' }, `${c.businessName} · ${title}`),
          h('span', { class: `state-badge state-${s.state}`, 'data-state': s.state }, sessionStateLabel(s.state)),
          h('span', { class: 'badge read-only' }, t('review.readOnly')),
        ),
        caseFacts(
          c,
          h('dt', {}, t('session.created')),
          h('dd', {}, beijingTime(s.createdAt)),
          ...(s.endReason && s.state === 'abandoned' ? [h('dt', {}, t('session.endReason')), h('dd', { class: 'end-reason' }, s.endReason)] : []),
        ),
        x.parent || x.child
          ? h(
              'p',
              { class: 'reinspection-links' },
              related(x.parent, 'casePage.reinspectionOf', 'reinspect-of'),
              related(x.child, x.child?.s.state === 'abandoned' ? 'casePage.reinspectionAbandoned' : 'casePage.reinspectedBy', 'reinspected-by'),
            )
          : null,
        s.walk.parentSessionId ? h('p', { class: 'hint' }, t('walk.reinspection')) : null,
      ),
      h(
        'div',
        { class: 'review-body' },
        h(
          'div',
          { class: 'review-side' },
          h(
            'section',
            { class: 'card review-decision', 'aria-labelledby': 'review-decision-title' },
            h('h3', { id: 'review-decision-title' }, t('review.decision')),
            closedBox(s.walk, s.transitions, nameOf) ?? h('p', { class: 'muted not-closed' }, t('review.notClosed')),
            permitTable(s.walk, nameOf),
          ),
          h('section', { class: 'card review-facts', 'aria-labelledby': 'review-facts-title' }, h('h3', { id: 'review-facts-title' }, t('review.facts')), factsList(s.walk) ?? h('p', { class: 'muted' }, t('review.noFacts'))),
          h('section', { class: 'card review-history' }, historyBox(s.transitions, false, nameOf)),
        ),
        h(
          'section',
          { class: 'card review-checklist', 'aria-labelledby': 'review-checklist-title' },
          h('div', { class: 'review-checklist-head' }, h('h3', { id: 'review-checklist-title' }, t('review.checklist')), resultCounts(s.walk)),
          pointList(s.walk, { whole: true, sessionTitle: title }),
        ),
      ),
    );
  }

  load().catch(fail);
  return root;
}
