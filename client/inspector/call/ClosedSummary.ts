import type { WalkView } from '../../../server/protocol/walk';
import { h } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { labelled } from '../../shared/staff';
import { resultLabel } from '../labels';
import { closedOutcomeBox } from './ClosePanel';

const ORDER = ['pass', 'fail', 'needs_rectification', 'onsite_required', 'not_applicable'];

/** After closing: the decision and the tally of results where the current point was, and the way back. */
export function closedSummary(view: WalkView, backHref: string): HTMLElement {
  const counts = new Map<string, number>();
  for (const p of view.points) if (p.applies && p.result) counts.set(p.result, (counts.get(p.result) ?? 0) + 1);
  return h(
    'section',
    { class: 'card closed-summary', 'aria-labelledby': 'closed-summary-title' },
    h('h3', { id: 'closed-summary-title' }, t('call.closed.title')),
    closedOutcomeBox(view),
    h(
      'p',
      { class: 'result-counts' },
      labelled(t('call.closed.counts'), ''),
      ...ORDER.filter((r) => counts.has(r)).map((r) => h('span', { class: `count result-text-${r}`, 'data-result': r }, `${resultLabel(r)} ${counts.get(r)}`)),
    ),
    h('p', { class: 'muted' }, t('call.closed.readOnly')),
    h('a', { class: 'button primary summary-back', href: backHref }, t('console.backToCase')),
  );
}
