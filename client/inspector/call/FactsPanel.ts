import type { WalkView } from '../../../server/protocol/walk';
import { h } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { aside } from '../../shared/staff';

type Fact = WalkView['facts'][number];

/** Enumerated values by their labels in the page's language; the bare value only while the server sends none. */
const optionsOf = (f: Fact) => f.options ?? (f.values ?? []).map((v) => ({ value: v, label: v }));

/** The business facts that decide which points apply: a control each, disabled when nothing may change. */
export function factsPanel(view: WalkView, locked: boolean, onAnswer: (fact: string, value: string | number | boolean) => void): HTMLElement {
  return h(
    'div',
    { class: 'facts' },
    h('p', { class: 'muted facts-hint' }, t('call.facts.hint')),
    ...view.facts.map((f) => {
      let input: HTMLElement;
      if (f.type === 'boolean') {
        const sel = h('select', { name: f.key, disabled: locked }, h('option', { value: '' }, '—'), h('option', { value: 'true' }, t('walk.yes')), h('option', { value: 'false' }, t('walk.no')));
        sel.value = f.value === undefined ? '' : String(f.value);
        sel.addEventListener('change', () => sel.value && onAnswer(f.key, sel.value === 'true'));
        input = sel;
      } else if (f.type === 'enum') {
        const sel = h('select', { name: f.key, disabled: locked }, h('option', { value: '' }, '—'), ...optionsOf(f).map((o) => h('option', { value: o.value }, o.label)));
        sel.value = f.value === undefined ? '' : String(f.value);
        sel.addEventListener('change', () => sel.value && onAnswer(f.key, sel.value));
        input = sel;
      } else {
        const num = h('input', { name: f.key, type: 'number', min: '0', step: 'any', value: f.value === undefined ? '' : String(f.value), disabled: locked });
        num.addEventListener('change', () => num.value !== '' && onAnswer(f.key, Number(num.value)));
        input = num;
      }
      return h('label', { class: `fact${f.value === undefined ? ' unanswered' : ''}`, 'data-fact': f.key }, h('span', {}, `${f.label}${f.unit ? aside(f.unit) : ''}`), input);
    }),
  );
}
