import type { CaseRecord } from '../../../server/cases/CaseRecord';
import { h } from '../../shared/dom';
import { permitLabel, t } from '../../shared/i18n';
import { aside, listOf } from '../../shared/staff';

/** The case's number, permits and registered address, then the rows the caller adds (a date, a reason). */
export function caseFacts(c: CaseRecord, ...more: HTMLElement[]): HTMLElement {
  return h(
    'dl',
    { class: 'case-facts' },
    h('dt', {}, t('case.number')),
    h('dd', {}, c.caseNumber),
    h('dt', {}, t('case.permits')),
    h('dd', {}, listOf(c.permitTypes.map(permitLabel))),
    h('dt', {}, t('case.address')),
    h('dd', {}, `${c.address.text}${aside(`${c.address.lat}, ${c.address.lon}`)}`),
    ...more,
  );
}
