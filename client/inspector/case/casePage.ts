import { caseFacts } from './caseFacts';
import { api } from '../../shared/api';
import { h } from '../../shared/dom';
import { permitLabel, t } from '../../shared/i18n';
import { aside, beijingTime, fill, labelled, listOf } from '../../shared/staff';
import { caseStatusLabel } from '../labels';
import type { CaseActions } from './CaseActions';
import { nameLookup } from './decidedWalk';
import { sessionSection } from './sessionSection';
import { numberSessions, type CaseDetail, type StaffRow } from './types';

/** The export of a case's whole evidence chain: a plain download, the login cookie goes with it. */
export const exportLink = (d: CaseDetail): HTMLElement | null =>
  d.canExport
    ? h(
        'a',
        { class: 'button export', href: `/api/cases/${encodeURIComponent(d.caseRecord.id)}/export`, download: `${d.caseRecord.caseNumber}-evidence.tar`, title: t('casePage.exportHint') },
        t('casePage.export'),
      )
    : null;

/** One case: its facts, its export, its inspectors, and every inspection newest first. */
export function casePage(d: CaseDetail, staff: StaffRow[], ctx: CaseActions): HTMLElement {
  const c = d.caseRecord;
  const nameOf = nameLookup({ ...Object.fromEntries(d.assignees.map((a) => [a.username, a.displayName])), ...d.names });
  const numbered = numberSessions(d.sessions);
  const newestFirst = [...numbered].reverse();
  return h(
    'section',
    { class: 'card case-card', 'data-case-id': c.id, 'aria-labelledby': 'case-title' },
    h(
      'div',
      { class: 'case-head' },
      h('h2', { id: 'case-title' }, c.businessName),
      h('span', { class: `status-badge case-status-${d.status}`, 'data-status': d.status }, caseStatusLabel(d.status)),
      h('span', { class: 'spacer' }),
      exportLink(d),
    ),
    caseFacts(c, h('dt', {}, t('list.created')), h('dd', {}, beijingTime(c.createdAt))),
    assigneesBox(d, staff, ctx),
    h('h3', { class: 'sessions-title' }, `${t('console.sessions')}${aside(String(d.sessions.length))}`),
    ...(newestFirst.length
      ? newestFirst.map((x, i) => sessionSection(x, i === 0, nameOf, ctx))
      : [h('p', { class: 'muted' }, t('casePage.noSessions'))]),
  );
}

function assigneesBox(d: CaseDetail, staff: StaffRow[], ctx: CaseActions): HTMLElement {
  const canAssign = d.canAssign;
  const assign = (accountId: string, assigned: boolean) => ctx.act(() => api('POST', `/api/cases/${d.caseRecord.id}/assignees`, { accountId, assigned }));
  const chips = d.assignees.map((a) =>
    h(
      'span',
      { class: 'chip', 'data-account-id': a.id },
      `${a.displayName}${aside(listOf(a.departments.map(permitLabel)) || '—')}`,
      canAssign
        ? h(
            'button',
            {
              class: 'chip-remove',
              title: t('console.unassign'),
              'aria-label': `${t('console.unassign')} ${a.displayName}`,
              onclick: () => confirm(fill('console.unassignConfirm', { name: a.displayName })) && assign(a.id, false),
            },
            '×',
          )
        : null,
    ),
  );
  let picker: HTMLElement | null = null;
  if (canAssign) {
    const candidates = staff.filter((s) => !d.assignees.some((a) => a.id === s.id));
    const select = h(
      'select',
      { class: 'assignee-pick', 'aria-label': t('console.pickInspector') },
      h('option', { value: '' }, t('console.pickInspector')),
      ...candidates.map((s) => h('option', { value: s.id }, `${s.displayName}${aside(s.username)} · ${listOf(s.departments.map(permitLabel)) || '—'}`)),
    );
    picker = h('span', { class: 'assign-row' }, select, h('button', { class: 'assign', onclick: () => select.value && assign(select.value, true) }, t('console.assign')));
  }
  return h(
    'div',
    { class: 'assignees' },
    h('strong', {}, labelled(t('console.assignees'), '')),
    ...(chips.length ? chips : [h('span', { class: 'muted' }, t('console.noAssignees'))]),
    picker,
  );
}
