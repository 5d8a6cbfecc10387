import { h } from '../shared/dom';
import { t } from '../shared/i18n';
import { fill, officeName, type PhoneBoot } from './boot';

/** Who is calling, on every screen: the office, the inspector, the business and its case. */
export function phoneHeader(boot: PhoneBoot): HTMLElement {
  return h(
    'header',
    { class: 'phone-top' },
    h('p', { class: 'service' }, `${officeName(boot)} · ${t('phone.service')}`),
    h('h1', {}, boot.businessName),
    h('p', { class: 'inspector' }, fill(t('phone.inspector'), { name: inspectorNames(boot) })),
    h('p', { class: 'case-number' }, `${t('phone.caseNumber')} ${boot.caseNumber}`),
  );
}

export function inspectorNames(boot: PhoneBoot): string {
  return boot.inspectors.length ? boot.inspectors.join(t('phone.nameSeparator')) : t('phone.inspector.unassigned');
}
