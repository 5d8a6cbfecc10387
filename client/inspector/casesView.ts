import { h, toast } from '../shared/dom';
import { permitLabel, t } from '../shared/i18n';
import { api } from './api';

interface CaseRow {
  id: string;
  caseNumber: string;
  businessName: string;
  permitTypes: string[];
  address: { text: string; lat: number; lon: number };
  status: string;
  createdAt: number;
}

interface SessionRow {
  id: string;
  status: string;
  applicant: string | null;
  links: Array<{ id: string; url: string; expiresAt: number; revokedAt?: number }>;
}

export function casesView(permitTypes: string[]): HTMLElement {
  const list = h('div', { class: 'case-list' });
  const detail = h('div', { class: 'case-detail' });
  const root = h(
    'div',
    { class: 'cases' },
    h('section', { class: 'card' }, h('h2', {}, t('cases.new')), newCaseForm(permitTypes, showCase)),
    h('div', {}, detail, h('section', { class: 'card' }, h('h2', {}, t('cases.title')), list)),
  );

  async function refresh(): Promise<void> {
    const { cases } = await api<{ cases: CaseRow[] }>('GET', '/api/cases');
    list.replaceChildren(
      ...(cases.length
        ? cases.map((c) =>
            h('button', { class: 'case-row', onclick: () => void showCase(c.id) }, h('strong', {}, c.businessName), ` ${c.caseNumber} · ${c.permitTypes.map(permitLabel).join('、')}`),
          )
        : [h('p', {}, t('cases.empty'))]),
    );
  }

  async function showCase(caseId: string): Promise<void> {
    const { caseRecord, sessions } = await api<{ caseRecord: CaseRow; sessions: SessionRow[] }>('GET', `/api/cases/${encodeURIComponent(caseId)}`);
    const open = sessions.filter((s) => s.status !== 'ended').at(-1);
    const link = open?.links.filter((l) => !l.revokedAt && l.expiresAt > Date.now()).at(-1);
    detail.replaceChildren(
      h(
        'section',
        { class: 'card', 'data-case-id': caseRecord.id },
        h('h2', {}, caseRecord.businessName),
        h('p', {}, `${t('case.number')}: ${caseRecord.caseNumber}`),
        h('p', {}, `${t('case.address')}: ${caseRecord.address.text} (${caseRecord.address.lat}, ${caseRecord.address.lon})`),
        open && link ? linkBox(link, open.id, () => void showCase(caseId)) : null,
        open && !link ? h('button', { onclick: () => void api('POST', `/api/sessions/${open.id}/links`).then(() => showCase(caseId)).catch((e: Error) => toast(e.message, 'error')) }, t('btn.newLink')) : null,
        open ? h('a', { class: 'button primary open-session', href: `#/session/${open.id}` }, t('btn.open')) : null,
      ),
    );
    await refresh();
  }

  refresh().catch((e: Error) => toast(e.message, 'error'));
  return root;
}

function linkBox(link: { id: string; url: string; expiresAt: number }, sessionId: string, reload: () => void): HTMLElement {
  const qr = h('img', { class: 'qr', alt: 'QR', src: `/api/qr?text=${encodeURIComponent(link.url)}` });
  return h(
    'div',
    { class: 'join-link' },
    h('p', {}, t('case.link')),
    h('input', { class: 'join-url', readOnly: true, value: link.url, onclick: (e: Event) => (e.target as HTMLInputElement).select() }),
    h('p', { class: 'muted' }, `${t('case.expires')}: ${new Date(link.expiresAt).toLocaleString()}`),
    qr,
    h('div', { class: 'row' },
      h('button', { onclick: () => void navigator.clipboard?.writeText(link.url).then(() => toast(t('toast.copied'))) }, '复制 / Copy'),
      h('button', { onclick: () => void api('POST', `/api/links/${link.id}/revoke`).then(reload).catch((e: Error) => toast(e.message, 'error')) }, t('btn.revoke')),
      h('button', { onclick: () => void api('POST', `/api/sessions/${sessionId}/links`).then(reload).catch((e: Error) => toast(e.message, 'error')) }, t('btn.newLink')),
    ),
  );
}

function newCaseForm(permitTypes: string[], onCreated: (caseId: string) => Promise<void>): HTMLFormElement {
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
      .catch((err: Error) => toast(err.message, 'error', 6000));
  });
  return form;
}
