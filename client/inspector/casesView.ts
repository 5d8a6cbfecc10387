import { api, ApiError, type Member } from '../shared/api';
import { h, toast } from '../shared/dom';
import { t } from '../shared/i18n';
import { hasRole } from '../shared/staff';
import type { CaseActions } from './case/CaseActions';
import { caseList } from './case/caseList';
import { casePage } from './case/casePage';
import type { CaseDetail, StaffRow } from './case/types';
import { newCaseForm } from './newCaseForm';

export interface CasesView {
  root: HTMLElement;
  /** Shows a case beside the list, or with no id the new-case form; the list and a half-typed form stay as they are. */
  show(caseId: string | undefined): void;
}

/**
 * The cases part of the console: the list on the left (full height, searchable), and on the right
 * either one case in detail or the new-case form. The form stays in the page while a case is shown,
 * so a clerk who looks something up does not lose what they typed.
 */
export function casesView(permitTypes: string[], member: Member, initialCaseId: string | undefined, onLoggedOut: (message: string) => void): CasesView {
  const canCreate = hasRole(member, 'inspector', 'supervisor', 'admin');
  const goTo = (caseId: string | undefined) => {
    const hash = caseId ? `#/case/${caseId}` : '#/cases';
    if (location.hash === hash) show(caseId);
    else location.hash = hash;
  };
  const list = caseList(member, canCreate ? () => goTo(undefined) : undefined);
  const detail = h('div', { class: 'case-detail' });
  const newCase = canCreate
    ? h(
        'section',
        { class: 'card new-case-card', 'aria-labelledby': 'new-case-title' },
        h('h2', { id: 'new-case-title' }, t('cases.new')),
        newCaseForm(
          permitTypes,
          async (id) => {
            await list.refresh();
            goTo(id);
          },
          fail,
        ),
      )
    : h('p', { class: 'card muted pick-hint' }, `${t('console.noCreate')} ${t('list.pickHint')}`);
  const root = h('div', { class: 'cases' }, h('div', { class: 'cases-side' }, list.root), h('div', { class: 'cases-main' }, newCase, detail));
  let shownCaseId: string | undefined;
  let staff: StaffRow[] | undefined;
  let loading = 0;

  /** Server errors become readable toasts; a login that ended goes back to the log-in form. */
  function fail(err: unknown): void {
    if (err instanceof ApiError && err.status === 401) onLoggedOut(err.message);
    else toast(err instanceof Error ? err.message : String(err), 'error', 8000);
  }

  const ctx: CaseActions = {
    member,
    fail,
    act(request, done) {
      void request().then(() => {
        if (done) toast(done);
        return Promise.all([shownCaseId ? load(shownCaseId) : undefined, list.refresh()]);
      }).catch(fail);
    },
  };

  async function load(caseId: string): Promise<void> {
    const mine = ++loading;
    const data = await api<CaseDetail>('GET', `/api/cases/${encodeURIComponent(caseId)}`);
    if (data.canAssign && !staff) staff = await api<{ staff: StaffRow[] }>('GET', '/api/staff').then((r) => r.staff, () => []);
    // A slower answer for a case the clerk has already left is dropped.
    if (mine !== loading || shownCaseId !== caseId) return;
    detail.replaceChildren(casePage(data, staff ?? [], ctx));
  }

  function show(caseId: string | undefined): void {
    const changed = caseId !== shownCaseId;
    shownCaseId = caseId;
    list.select(caseId);
    list.offerNew(!!caseId);
    newCase.hidden = !!caseId;
    detail.hidden = !caseId;
    if (!caseId) {
      detail.replaceChildren();
      return;
    }
    if (changed) {
      detail.replaceChildren(h('p', { class: 'card muted' }, t('list.loading')));
      window.scrollTo(0, 0);
    }
    load(caseId).catch(fail);
  }

  list
    .refresh()
    .then(() => list.select(shownCaseId))
    .catch(fail);
  show(initialCaseId);
  return { root, show };
}
