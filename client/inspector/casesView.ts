import type { CaseRecord } from '../../server/cases/CaseRecord';
import type { JoinLinkState } from '../../server/cases/JoinLinkRecord';
import type { CaseStatus } from '../../server/inspection/caseStatus';
import type { InspectionSession } from '../../server/inspection/InspectionSession';
import type { SessionState } from '../../server/inspection/SessionState';
import type { SessionTransition } from '../../server/inspection/SessionTransition';
import type { WalkView } from '../../server/protocol/walk';
import { api, ApiError, type Member } from '../shared/api';
import { h, toast } from '../shared/dom';
import { permitLabel, t, type MessageKey } from '../shared/i18n';
import { aside, beijingTime, fill, hasRole, labelled, listOf } from '../shared/staff';
import { caseStatusLabel, outcomeLabel, sessionStateLabel } from './labels';
import { newCaseForm } from './newCaseForm';

type CaseRow = CaseRecord & { status: CaseStatus };

interface LinkRow {
  id: string;
  createdAt: number;
  expiresAt: number;
  revokedAt?: number;
  revokeReason?: string;
  firstUsedAt?: number;
  state: JoinLinkState;
  url: string;
}

type SessionRow = InspectionSession & { links: LinkRow[]; canWork: boolean; canObserve: boolean; canManage: boolean };

interface CaseDetail {
  caseRecord: CaseRecord;
  status: CaseStatus;
  assignees: Member[];
  sessions: SessionRow[];
}

interface StaffRow {
  id: string;
  username: string;
  displayName: string;
  departments: string[];
}

/** States in which a call can be held (server/inspection/SessionState.ts acceptsCall). */
const IN_CALL: readonly SessionState[] = ['scheduled', 'waiting_for_applicant', 'live', 'applicant_reconnecting', 'checklist_closed'];

/** The case list, a new-case form, and one case in detail: assignees, each inspection with its links and history. */
export function casesView(permitTypes: string[], member: Member, initialCaseId: string | undefined, onLoggedOut: (message: string) => void): HTMLElement {
  const list = h('div', { class: 'case-list' });
  const detail = h('div', { class: 'case-detail' });
  const canCreate = hasRole(member, 'inspector', 'supervisor', 'admin');
  const root = h(
    'div',
    { class: 'cases' },
    h(
      'div',
      { class: 'cases-side' },
      h('section', { class: 'card' }, h('h2', {}, t('cases.title')), list),
      canCreate
        ? h('section', { class: 'card' }, h('h2', {}, t('cases.new')), newCaseForm(permitTypes, (id) => showCase(id), fail))
        : h('p', { class: 'card muted' }, t('console.noCreate')),
    ),
    detail,
  );
  let shownCaseId: string | undefined;

  /** Server errors become readable toasts; a login that ended goes back to the log-in form. */
  function fail(err: unknown): void {
    if (err instanceof ApiError && err.status === 401) onLoggedOut(err.message);
    else toast(err instanceof Error ? err.message : String(err), 'error', 8000);
  }

  async function refresh(): Promise<void> {
    const { cases } = await api<{ cases: CaseRow[] }>('GET', '/api/cases');
    list.replaceChildren(
      ...(cases.length
        ? [...cases]
            .sort((a, b) => b.createdAt - a.createdAt)
            .map((c) =>
              h(
                'button',
                { class: `case-row${c.id === shownCaseId ? ' selected' : ''}`, 'data-case-id': c.id, onclick: () => void showCase(c.id) },
                h('span', { class: 'case-row-head' }, h('strong', {}, c.businessName), h('span', { class: `status-badge case-status-${c.status}`, 'data-status': c.status }, caseStatusLabel(c.status))),
                h('span', { class: 'muted' }, `${c.caseNumber} · ${listOf(c.permitTypes.map(permitLabel))}`),
              ),
            )
        : [h('p', {}, t('cases.empty'))]),
    );
  }

  async function showCase(caseId: string): Promise<void> {
    try {
      shownCaseId = caseId;
      // Remember the case in the address without re-running the router.
      history.replaceState(null, '', `#/case/${caseId}`);
      const data = await api<CaseDetail>('GET', `/api/cases/${encodeURIComponent(caseId)}`);
      const extras = await Promise.all(data.sessions.map((s) => sessionExtras(s)));
      const staff = hasRole(member, 'admin', 'supervisor') ? await api<{ staff: StaffRow[] }>('GET', '/api/staff').then((r) => r.staff).catch(() => []) : [];
      detail.replaceChildren(caseCard(data, extras, staff));
      await refresh();
    } catch (err) {
      fail(err);
    }
  }

  /** The history of each session, and for a sealed one whether any point failed (re-inspection). */
  async function sessionExtras(s: SessionRow): Promise<{ transitions?: SessionTransition[]; walk?: WalkView }> {
    const [info, walk] = await Promise.all([
      api<{ transitions: SessionTransition[] }>('GET', `/api/sessions/${s.id}`).catch(() => undefined),
      s.state === 'sealed' ? api<{ walk: WalkView }>('GET', `/api/sessions/${s.id}/walk`).then((r) => r.walk).catch(() => undefined) : undefined,
    ]);
    return { transitions: info?.transitions, walk };
  }

  const reload = () => (shownCaseId ? showCase(shownCaseId) : refresh());
  const act = (p: Promise<unknown>, done?: string) =>
    void p.then(() => {
      if (done) toast(done);
      return reload();
    }, fail);

  function caseCard(d: CaseDetail, extras: Array<{ transitions?: SessionTransition[]; walk?: WalkView }>, staff: StaffRow[]): HTMLElement {
    const c = d.caseRecord;
    const numbered = d.sessions.map((s, i) => ({ s, n: i + 1, extra: extras[i]! }));
    return h(
      'section',
      { class: 'card case-card', 'data-case-id': c.id },
      h('div', { class: 'case-head' }, h('h2', {}, c.businessName), h('span', { class: `status-badge case-status-${d.status}`, 'data-status': d.status }, caseStatusLabel(d.status))),
      h(
        'dl',
        { class: 'case-facts' },
        h('dt', {}, t('case.number')),
        h('dd', {}, c.caseNumber),
        h('dt', {}, t('case.permits')),
        h('dd', {}, listOf(c.permitTypes.map(permitLabel))),
        h('dt', {}, t('case.address')),
        h('dd', {}, `${c.address.text}${aside(`${c.address.lat}, ${c.address.lon}`)}`),
      ),
      assigneesBox(d, staff),
      h('h3', {}, t('console.sessions')),
      ...numbered.reverse().map(({ s, n, extra }, i) => sessionBox(d, s, n, extra, i === 0)),
    );
  }

  function assigneesBox(d: CaseDetail, staff: StaffRow[]): HTMLElement {
    const canAssign = hasRole(member, 'admin', 'supervisor');
    const assign = (accountId: string, assigned: boolean) => act(api('POST', `/api/cases/${d.caseRecord.id}/assignees`, { accountId, assigned }));
    const chips = d.assignees.map((a) =>
      h(
        'span',
        { class: 'chip', 'data-account-id': a.id },
        `${a.displayName}${aside(listOf(a.departments.map(permitLabel)) || '—')}`,
        canAssign
          ? h('button', {
              class: 'chip-remove',
              title: t('console.unassign'),
              'aria-label': `${t('console.unassign')} ${a.displayName}`,
              onclick: () => confirm(fill('console.unassignConfirm', { name: a.displayName })) && assign(a.id, false),
            }, '×')
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

  function sessionBox(d: CaseDetail, s: SessionRow, n: number, extra: { transitions?: SessionTransition[]; walk?: WalkView }, newest: boolean): HTMLElement {
    const inCall = IN_CALL.includes(s.state);
    // The server says what this account may do; it still decides each request.
    const canManage = s.canManage;
    const later = d.sessions.filter((x) => x.createdAt > s.createdAt && x.state !== 'abandoned');
    const hasFailures = !!extra.walk?.points.some((p) => p.result === 'fail' || p.result === 'needs_rectification');
    const actions: Array<HTMLElement | null> = [
      inCall && s.canWork ? h('a', { class: 'button primary open-session', href: `#/session/${s.id}` }, t('btn.open')) : null,
      inCall && s.canObserve && !s.canWork ? h('a', { class: 'button observe-session', href: `#/session/${s.id}` }, t('session.observe')) : null,
      // A call nobody works any more (a crashed console) can be interrupted from here, then resumed or abandoned.
      ['waiting_for_applicant', 'live', 'applicant_reconnecting'].includes(s.state) && canManage
        ? h('button', { class: 'danger-outline interrupt', onclick: () => confirm(t('session.interruptConfirm')) && act(api('POST', `/api/sessions/${s.id}/interrupt`, {}), t('session.interruptedDone')) }, t('session.interrupt'))
        : null,
      s.state === 'interrupted' && canManage
        ? h('button', { class: 'primary resume', onclick: () => act(api('POST', `/api/sessions/${s.id}/resume`), t('session.resumed')) }, t('session.resume'))
        : null,
      s.state === 'interrupted' && canManage ? abandonControl(s) : null,
      s.state === 'sealed' && hasFailures && canManage && !later.length
        ? h('button', { class: 'primary reinspect', onclick: () => act(api('POST', `/api/sessions/${s.id}/reinspect`), t('session.reinspectCreated')) }, t('walk.reinspect'))
        : null,
    ];
    const hint =
      s.state === 'interrupted' ? t('session.interruptedHint') : s.state === 'sealed' && hasFailures && !later.length && canManage ? t('session.reinspectHint') : null;
    return h(
      'article',
      { class: `session${newest ? ' newest' : ''}`, 'data-session-id': s.id, 'data-state': s.state },
      h(
        'header',
        { class: 'session-head' },
        h('strong', {}, fill('session.title', { n })),
        h('span', { class: `state-badge state-${s.state}`, 'data-state': s.state }, sessionStateLabel(s.state)),
        h('span', { class: 'muted' }, `${t('session.created')} ${beijingTime(s.createdAt)}`),
        s.outcome ? h('span', { class: 'session-outcome' }, labelled(t('session.outcome'), outcomeLabel(s.outcome))) : null,
      ),
      // The last end's reason matters while the session stays stopped (a resumed session keeps the old one).
      s.endReason && (s.state === 'interrupted' || s.state === 'abandoned') ? h('p', { class: 'muted end-reason' }, labelled(t('session.endReason'), s.endReason)) : null,
      hint ? h('p', { class: 'hint' }, hint) : null,
      actions.some(Boolean) ? h('div', { class: 'row session-actions' }, ...actions) : null,
      canManage || s.links.length ? linksBox(s, inCall && canManage, newest && inCall) : null,
      historyBox(extra.transitions, newest),
    );
  }

  function abandonControl(s: SessionRow): HTMLElement {
    const wrap = h('span', { class: 'abandon-wrap' });
    const open = h('button', { class: 'danger-outline abandon' }, t('session.abandon'));
    open.addEventListener('click', () => {
      const reason = h('input', { class: 'abandon-reason', maxLength: 1000, placeholder: t('session.abandonPrompt') });
      const confirmBtn = h('button', { class: 'danger confirm-abandon' }, t('session.abandon'));
      const cancel = h('button', { onclick: () => wrap.replaceChildren(open) }, t('admin.cancel'));
      confirmBtn.addEventListener('click', () => {
        const text = reason.value.trim();
        if ([...text].length < 5) return toast(t('session.abandonTooShort'), 'error', 6000);
        act(api('POST', `/api/sessions/${s.id}/abandon`, { reason: text }), t('session.abandoned'));
      });
      wrap.replaceChildren(h('label', { class: 'abandon-form' }, t('session.abandonPrompt'), reason, h('span', { class: 'row' }, confirmBtn, cancel)));
      reason.focus();
    });
    wrap.append(open);
    return wrap;
  }

  function linksBox(s: SessionRow, canIssue: boolean, open: boolean): HTMLElement {
    const links = [...s.links].sort((a, b) => b.createdAt - a.createdAt);
    const usable = links.find((l) => l.state === 'active' || l.state === 'used');
    const issue = () => {
      if (usable && !confirm(t('link.issueHint'))) return;
      act(api('POST', `/api/sessions/${s.id}/links`), t('link.issued'));
    };
    const table = links.length
      ? h(
          'table',
          { class: 'links' },
          h('thead', {}, h('tr', {}, h('th', {}, t('link.created')), h('th', {}, t('case.expires')), h('th', {}, t('case.status')), h('th', {}, ''))),
          h(
            'tbody',
            {},
            ...links.map((l) =>
              h(
                'tr',
                { 'data-link-id': l.id, 'data-state': l.state },
                h('td', {}, beijingTime(l.createdAt)),
                h('td', {}, beijingTime(l.expiresAt)),
                h(
                  'td',
                  {},
                  h('span', { class: `link-state link-${l.state}` }, t(`link.state.${l.state}` as MessageKey)),
                  l.state === 'used' && l.firstUsedAt ? h('span', { class: 'muted' }, ` ${beijingTime(l.firstUsedAt)}`) : null,
                  l.state === 'revoked' && l.revokeReason === 'replaced' ? h('span', { class: 'muted revoke-reason' }, ` · ${t('link.replaced')}`) : null,
                ),
                h(
                  'td',
                  {},
                  canIssue && (l.state === 'active' || l.state === 'used')
                    ? h('button', { class: 'small revoke', onclick: () => confirm(t('link.revokeConfirm')) && act(api('POST', `/api/links/${l.id}/revoke`), t('link.revoked')) }, t('btn.revoke'))
                    : null,
                ),
              ),
            ),
          ),
        )
      : null;
    const body = h(
      'div',
      { class: 'links-body' },
      usable && canIssue ? linkBox(usable) : canIssue ? h('p', { class: 'hint' }, t('link.none')) : null,
      table,
      canIssue ? h('div', { class: 'row issue-row' }, h('button', { class: 'new-link', onclick: issue }, t('link.issue')), h('span', { class: 'muted' }, t('link.issueHint'))) : null,
    );
    return h('details', { class: 'links-box', open }, h('summary', {}, `${t('link.title')}${aside(String(links.length))}`), body);
  }

  refresh()
    .then(() => (initialCaseId ? showCase(initialCaseId) : undefined))
    .catch(fail);
  return root;
}

function linkBox(link: LinkRow): HTMLElement {
  return h(
    'div',
    { class: 'join-link' },
    h('img', { class: 'qr', alt: 'QR', src: `/api/qr?text=${encodeURIComponent(link.url)}` }),
    h(
      'div',
      { class: 'join-link-text' },
      h('p', {}, t('case.link')),
      h('input', { class: 'join-url', readOnly: true, value: link.url, onclick: (e: Event) => (e.target as HTMLInputElement).select() }),
      h('p', { class: 'muted' }, labelled(t('case.expires'), beijingTime(link.expiresAt))),
      h('button', { class: 'copy', onclick: () => void navigator.clipboard?.writeText(link.url).then(() => toast(t('toast.copied'))) }, t('link.copy')),
    ),
  );
}

function historyBox(transitions: SessionTransition[] | undefined, open: boolean): HTMLElement | null {
  if (!transitions) return null;
  const actor = (a: string) => (a === 'applicant' ? t('session.actor.applicant') : a === 'system' ? t('session.actor.system') : a.replace(/^staff:/, ''));
  return h(
    'details',
    { class: 'history', open },
    h('summary', {}, `${t('session.history')}${aside(String(transitions.length))}`),
    transitions.length
      ? h(
          'ol',
          { class: 'transitions' },
          ...transitions.map((tr) =>
            h(
              'li',
              { 'data-to': tr.to },
              h('time', {}, beijingTime(tr.at, true)),
              ' ',
              h('span', { class: 'move' }, `${sessionStateLabel(tr.from)} → ${sessionStateLabel(tr.to)}`),
              ' ',
              h('span', { class: 'muted' }, `${actor(tr.actor)} · ${t(`session.trigger.${tr.trigger}` as MessageKey)}`),
              tr.reason ? h('span', { class: 'reason' }, labelled('', tr.reason)) : null,
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('session.historyEmpty')),
  );
}
