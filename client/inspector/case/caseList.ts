import type { CaseStatus } from '../../../server/inspection/caseStatus';
import { api, type Member } from '../../shared/api';
import { h } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { beijingTime, fill, hasRole, labelled, listOf } from '../../shared/staff';
import { caseStatusLabel } from '../labels';
import { outcomeBadge } from './decidedWalk';
import type { CaseRow } from './types';

const STATUSES: readonly CaseStatus[] = ['received', 'inspection_scheduled', 'in_inspection', 'awaiting_rectification', 'awaiting_review', 'sent_back', 'decided'];

/** What the clerk narrowed the list to; kept for the page's life, so coming back from a case keeps it. */
const filters = { text: '', status: '' as CaseStatus | '', mine: false };

export interface CaseList {
  root: HTMLElement;
  /** Whether the "new case" button is offered (not while the form is on screen). */
  offerNew(on: boolean): void;
  /** Loads the list again (after a change), keeping the filters. */
  refresh(): Promise<void>;
  /** Marks the case shown beside the list. */
  select(caseId: string | undefined): void;
}

const matches = (c: CaseRow, member: Member): boolean => {
  const q = filters.text.trim().toLowerCase();
  if (q && ![c.businessName, c.caseNumber, c.address.text].some((s) => s.toLowerCase().includes(q))) return false;
  if (filters.status && c.status !== filters.status) return false;
  if (filters.mine && !c.assignees.some((a) => a.id === member.id)) return false;
  return true;
};

/**
 * Every case the account may see, latest activity first: business, number, status, the latest
 * outcome, inspectors, created and last activity; searchable by business, number and address, and
 * filtered by status and (for those who see every case) by their own.
 */
export function caseList(member: Member, onNew: (() => void) | undefined): CaseList {
  let cases: CaseRow[] = [];
  let selected: string | undefined;
  const rows = h('ul', { class: 'case-list', 'aria-labelledby': 'cases-title' });
  const count = h('span', { class: 'case-count muted', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', class: 'case-search', value: filters.text, placeholder: t('list.searchPlaceholder'), 'aria-label': t('list.search') });
  const status = h(
    'select',
    { class: 'status-filter', 'aria-label': t('list.statusFilter') },
    h('option', { value: '' }, t('list.allStatuses')),
    ...STATUSES.map((s) => h('option', { value: s }, caseStatusLabel(s))),
  );
  status.value = filters.status;
  // Only an account that sees more than its own cases needs "mine".
  const mine = hasRole(member, 'inspector') && hasRole(member, 'admin', 'supervisor') ? h('input', { type: 'checkbox', class: 'mine-filter', checked: filters.mine }) : null;
  const newButton = onNew ? h('button', { type: 'button', class: 'small show-new-case', onclick: onNew }, `+ ${t('cases.new')}`) : null;
  const clear = h('button', { type: 'button', class: 'small clear-filters', onclick: () => reset() }, t('list.clearFilters'));

  search.addEventListener('input', () => {
    filters.text = search.value;
    render();
  });
  status.addEventListener('change', () => {
    filters.status = status.value as CaseStatus | '';
    render();
  });
  mine?.addEventListener('change', () => {
    filters.mine = mine.checked;
    render();
  });

  function reset(): void {
    Object.assign(filters, { text: '', status: '', mine: false });
    search.value = '';
    status.value = '';
    if (mine) mine.checked = false;
    render();
    search.focus();
  }

  function row(c: CaseRow): HTMLElement {
    const link = h(
      'a',
      {
        class: `case-row${c.id === selected ? ' selected' : ''}`,
        href: `#/case/${c.id}`,
        'data-case-id': c.id,
        'data-status': c.status,
        'aria-current': c.id === selected ? 'true' : undefined,
      },
      h('span', { class: 'case-row-head' }, h('strong', { class: 'case-name' }, c.businessName), h('span', { class: `status-badge case-status-${c.status}`, 'data-status': c.status }, caseStatusLabel(c.status))),
      h(
        'span',
        { class: 'case-row-line' },
        h('span', { class: 'case-number' }, c.caseNumber),
        c.outcome ? h('span', { class: 'case-outcome' }, outcomeBadge(c.outcome)) : h('span', { class: 'case-outcome muted' }, t('list.noOutcome')),
      ),
      h('span', { class: 'case-row-line case-people' }, labelled(t('list.inspectors'), c.assignees.length ? listOf(c.assignees.map((a) => a.displayName)) : t('console.noAssignees'))),
      h(
        'span',
        { class: 'case-row-dates' },
        h('span', { class: 'case-created' }, labelled(t('list.created'), beijingTime(c.createdAt).slice(0, 10))),
        h('span', { class: 'case-activity' }, labelled(t('list.lastActivity'), beijingTime(c.lastActivityAt))),
      ),
    );
    return h('li', {}, link);
  }

  function render(): void {
    const shown = cases.filter((c) => matches(c, member)).sort((a, b) => b.lastActivityAt - a.lastActivityAt);
    const filtered = shown.length !== cases.length;
    count.textContent = filtered ? fill('list.countFiltered', { n: shown.length, total: cases.length }) : fill('list.count', { n: cases.length });
    clear.hidden = !(filters.text || filters.status || filters.mine);
    rows.replaceChildren(
      ...(shown.length ? shown.map(row) : [h('li', { class: 'case-list-empty' }, cases.length ? t('list.noMatch') : t('cases.empty'))]),
    );
  }

  return {
    root: h(
      'section',
      { class: 'card case-list-card', 'aria-labelledby': 'cases-title' },
      h(
        'div',
        { class: 'case-list-head' },
        h('h2', { id: 'cases-title' }, t('cases.title')),
        count,
        h('span', { class: 'spacer' }),
        newButton,
      ),
      h(
        'div',
        { class: 'case-filters', role: 'search' },
        search,
        h('div', { class: 'case-filter-row' }, status, mine ? h('label', { class: 'inline mine-label' }, mine, t('list.mine')) : null, clear),
      ),
      rows,
    ),
    offerNew(on) {
      if (newButton) newButton.hidden = !on;
    },
    async refresh() {
      cases = (await api<{ cases: CaseRow[] }>('GET', '/api/cases')).cases;
      render();
    },
    select(caseId) {
      selected = caseId;
      for (const el of Array.from(rows.querySelectorAll<HTMLElement>('.case-row'))) {
        const on = el.dataset.caseId === caseId;
        el.classList.toggle('selected', on);
        if (on) el.setAttribute('aria-current', 'true');
        else el.removeAttribute('aria-current');
      }
    },
  };
}
