import { api } from '../shared/api';
import { h } from '../shared/dom';
import { permitLabel, t } from '../shared/i18n';

/** The new-case form: business, permits, registered address and its coordinates. */
export function newCaseForm(permitTypes: string[], onCreated: (caseId: string) => Promise<void>, fail: (err: unknown) => void): HTMLFormElement {
  const business = h('input', { name: 'businessName', required: true, maxLength: 200 });
  const address = h('input', { name: 'address', required: true, maxLength: 300 });
  const lat = h('input', { name: 'lat', type: 'number', step: 'any', min: '-90', max: '90', required: true });
  const lon = h('input', { name: 'lon', type: 'number', step: 'any', min: '-180', max: '180', required: true });
  const permits = permitTypes.map((p) => h('input', { type: 'checkbox', name: 'permit', value: p }));
  const form = h(
    'form',
    { class: 'new-case' },
    h('label', {}, t('case.business'), business),
    h('fieldset', {}, h('legend', {}, t('case.permits')), ...permits.map((cb) => h('label', { class: 'inline' }, cb, permitLabel(cb.value)))),
    h('label', {}, t('case.address'), address),
    h('div', { class: 'row' }, h('label', {}, t('case.lat'), lat), h('label', {}, t('case.lon'), lon)),
    h('button', { class: 'primary', type: 'submit' }, t('btn.create')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {
      businessName: business.value,
      permitTypes: permits.filter((p) => p.checked).map((p) => p.value),
      address: { text: address.value, lat: Number(lat.value), lon: Number(lon.value) },
    };
    api<{ caseRecord: { id: string } }>('POST', '/api/cases', body)
      .then((r) => {
        form.reset();
        return onCreated(r.caseRecord.id);
      })
      .catch(fail);
  });
  return form;
}
