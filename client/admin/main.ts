import type { StaffRole } from '../../server/accounts/Account';
import { api, ApiError, currentMember, type Member } from '../shared/api';
import { h, readBoot, toast } from '../shared/dom';
import { lang, permitLabel, t, type MessageKey } from '../shared/i18n';
import { evidenceKeysCard } from './evidenceKeys';
import { failedRecordingsCard } from './failedRecordings';
import { beijingTime, changePasswordView, fill, hasRole, listOf, loginView, ROLES, roleLabel, topBar } from '../shared/staff';

// The admin page: the office's staff accounts, their roles and departments, disabling and
// password resets. Every change is made by the server; the page shows its answer and reloads.

interface Boot {
  permitTypes: string[];
}

type AccountRow = Member & { disabledAt?: number; createdAt: number; lockedUntil?: number };

const boot = readBoot<Boot>();
const app = document.getElementById('app')!;
document.body.classList.add('admin', 'staff');

function showLogin(message?: string): void {
  app.replaceChildren(topBar('admin', undefined, () => void route()), loginView('admin.loginTitle', () => void route(), message));
}

/** The server names a bad field by its wire name ("password: 密码至少8个字符"); the admin reads the form's label. */
const FIELD_LABELS: Record<string, MessageKey> = { username: 'admin.username', displayName: 'admin.displayName', password: 'admin.tempPassword', roles: 'admin.roles', departments: 'admin.departments' };
const withFieldLabels = (message: string): string =>
  message.replace(/\b(username|displayName|password|roles|departments)(?:\.\d+)?: /g, (_all, f: string) => `${t(FIELD_LABELS[f]!)}${lang === 'en' ? ': ' : '：'}`);

/** Server errors become readable toasts; a login that ended goes back to the log-in form. */
function fail(err: unknown): void {
  if (err instanceof ApiError && err.status === 401) showLogin(err.message);
  else if (err instanceof ApiError && err.code === 'invalid') toast(withFieldLabels(err.message), 'error', 10_000);
  else toast(err instanceof Error ? err.message : String(err), 'error', 8000);
}

async function route(): Promise<void> {
  let member: Member | undefined;
  try {
    member = await currentMember();
  } catch (err) {
    return fail(err);
  }
  if (!member) return showLogin();
  const bar = topBar('admin', member, () => void route());
  if (member.mustChangePassword) {
    app.replaceChildren(bar, changePasswordView(member, () => void route()));
    return;
  }
  if (!hasRole(member, 'admin')) {
    app.replaceChildren(bar, forbidden());
    return;
  }
  app.replaceChildren(bar, accountsPage(member));
}

function forbidden(message?: string): HTMLElement {
  return h(
    'section',
    { class: 'card admin-forbidden', role: 'alert' },
    h('h1', {}, t('admin.title')),
    h('p', { class: 'notice' }, t('admin.forbidden')),
    message ? h('p', { class: 'muted' }, message) : null,
    h('a', { class: 'button primary', href: '/inspector' }, t('console.toConsole')),
  );
}

function accountsPage(me: Member): HTMLElement {
  const tbody = h('tbody', {});
  const root = h(
    'div',
    { class: 'admin-page' },
    h(
      'section',
      { class: 'card accounts-card' },
      h('h2', {}, t('admin.list')),
      h(
        'table',
        { class: 'accounts' },
        h(
          'thead',
          {},
          h('tr', {}, ...(['admin.username', 'admin.displayName', 'admin.roles', 'admin.departmentsShort', 'admin.state', 'admin.actions'] as const).map((k) => h('th', { class: k === 'admin.departmentsShort' ? 'departments-col' : undefined }, t(k)))),
        ),
        tbody,
      ),
    ),
    h('section', { class: 'card new-account-card' }, h('h2', {}, t('admin.create')), newAccountForm(() => void load())),
    failedRecordingsCard(fail),
    evidenceKeysCard(fail),
  );

  async function load(): Promise<void> {
    try {
      const { accounts } = await api<{ accounts: AccountRow[] }>('GET', '/api/accounts');
      tbody.replaceChildren(...[...accounts].sort((a, b) => a.createdAt - b.createdAt).flatMap((a) => accountRows(a)));
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) root.replaceChildren(forbidden(err.message));
      else fail(err);
    }
  }

  const act = (p: Promise<unknown>, done: string) =>
    void p.then(() => {
      toast(done, 'info', 8000);
      return load();
    }, fail);

  /** One account: its row, and below it a row for editing or resetting when asked for. */
  function accountRows(a: AccountRow): HTMLElement[] {
    const self = a.id === me.id;
    const disabled = a.disabledAt !== undefined;
    const locked = a.lockedUntil !== undefined && a.lockedUntil > Date.now();
    const extra = h('tr', { class: 'account-extra', hidden: true }, h('td', { colSpan: 6 }));
    const cell = extra.firstElementChild as HTMLTableCellElement;
    const openExtra = (content: HTMLElement) => {
      cell.replaceChildren(content);
      extra.hidden = false;
    };
    const closeExtra = () => {
      extra.hidden = true;
      cell.replaceChildren();
    };
    const row = h(
      'tr',
      { class: `account${disabled ? ' disabled' : ''}`, 'data-username': a.username, 'data-account-id': a.id },
      h('td', {}, h('code', {}, a.username), self ? h('span', { class: 'muted' }, ` ${t('admin.you')}`) : null),
      h('td', {}, a.displayName),
      h('td', {}, listOf(a.roles.map(roleLabel))),
      h('td', {}, a.departments.length ? listOf(a.departments.map(permitLabel)) : h('span', { class: 'muted' }, '—')),
      h(
        'td',
        {},
        h('span', { class: `account-state ${disabled ? 'is-disabled' : 'is-active'}` }, disabled ? t('admin.disabled') : t('admin.active')),
        disabled ? h('span', { class: 'muted small-text' }, ` ${beijingTime(a.disabledAt!)}`) : null,
        a.mustChangePassword && !disabled ? h('span', { class: 'badge must-change' }, t('admin.mustChange')) : null,
        locked ? h('span', { class: 'badge locked' }, fill('admin.lockedUntil', { time: beijingTime(a.lockedUntil!) })) : null,
      ),
      h(
        'td',
        { class: 'account-actions' },
        h('button', { class: 'small edit', onclick: () => openExtra(editForm(a, closeExtra)) }, t('admin.edit')),
        h('button', { class: 'small reset', onclick: () => openExtra(resetForm(a, closeExtra)) }, t('admin.reset')),
        locked ? h('button', { class: 'small unlock', onclick: () => act(api('POST', `/api/accounts/${a.id}/unlock`), fill('admin.unlockedDone', { u: a.username })) }, t('admin.unlock')) : null,
        self
          ? null
          : disabled
            ? h('button', { class: 'small enable', onclick: () => confirm(fill('admin.enableConfirm', { u: a.username })) && act(api('POST', `/api/accounts/${a.id}/enable`), fill('admin.enabledDone', { u: a.username })) }, t('admin.enable'))
            : h('button', { class: 'small danger-outline disable', onclick: () => confirm(fill('admin.disableConfirm', { u: a.username })) && act(api('POST', `/api/accounts/${a.id}/disable`), fill('admin.disabledDone', { u: a.username })) }, t('admin.disable')),
      ),
    );
    return [row, extra];
  }

  function editForm(a: AccountRow, close: () => void): HTMLElement {
    const name = h('input', { name: 'displayName', value: a.displayName, maxLength: 60 });
    const roles = roleBoxes(a.roles);
    const departments = departmentBoxes(a.departments);
    const form = h(
      'form',
      { class: 'edit-account' },
      h('label', {}, t('admin.displayName'), name),
      roles.fieldset,
      departments.fieldset,
      h('div', { class: 'row' }, h('button', { class: 'primary', type: 'submit' }, t('admin.save')), h('button', { type: 'button', onclick: close }, t('admin.cancel'))),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(api('POST', `/api/accounts/${a.id}`, { displayName: name.value, roles: roles.value(), departments: departments.value() }), fill('admin.saved', { u: a.username }));
    });
    return form;
  }

  function resetForm(a: AccountRow, close: () => void): HTMLElement {
    const password = h('input', { name: 'password', type: 'text', autocomplete: 'off', maxLength: 200 });
    const form = h(
      'form',
      { class: 'reset-password row' },
      h('label', {}, fill('admin.resetPrompt', { u: a.username }), password),
      h('button', { class: 'primary', type: 'submit' }, t('admin.reset')),
      h('button', { type: 'button', onclick: close }, t('admin.cancel')),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(api('POST', `/api/accounts/${a.id}/reset-password`, { password: password.value }), fill('admin.resetDone', { u: a.username }));
    });
    queueMicrotask(() => password.focus());
    return form;
  }

  void load();
  return root;
}

function roleBoxes(checked: readonly string[]): { fieldset: HTMLElement; value(): StaffRole[] } {
  const boxes = ROLES.map((r) => h('input', { type: 'checkbox', name: 'role', value: r, defaultChecked: checked.includes(r) }));
  return {
    fieldset: h('fieldset', { class: 'roles' }, h('legend', {}, t('admin.roles')), ...boxes.map((b) => h('label', { class: 'inline' }, b, roleLabel(b.value)))),
    value: () => boxes.filter((b) => b.checked).map((b) => b.value as StaffRole),
  };
}

function departmentBoxes(checked: readonly string[]): { fieldset: HTMLElement; value(): string[] } {
  const boxes = boot.permitTypes.map((p) => h('input', { type: 'checkbox', name: 'department', value: p, defaultChecked: checked.includes(p) }));
  return {
    fieldset: h(
      'fieldset',
      { class: 'departments' },
      h('legend', {}, t('admin.departments')),
      ...boxes.map((b) => h('label', { class: 'inline' }, b, permitLabel(b.value))),
      h('p', { class: 'muted small-text' }, t('admin.departmentsHint')),
    ),
    value: () => boxes.filter((b) => b.checked).map((b) => b.value),
  };
}

function newAccountForm(onCreated: () => void): HTMLFormElement {
  const username = h('input', { name: 'username', autocomplete: 'off', maxLength: 40 });
  const displayName = h('input', { name: 'displayName', autocomplete: 'off', maxLength: 60 });
  const password = h('input', { name: 'password', type: 'text', autocomplete: 'off', maxLength: 200 });
  const roles = roleBoxes(['inspector']);
  const departments = departmentBoxes([]);
  const form = h(
    'form',
    { class: 'new-account' },
    h('label', {}, t('admin.username'), username),
    h('label', {}, t('admin.displayName'), displayName),
    h('label', {}, t('admin.tempPassword'), password, h('span', { class: 'muted small-text' }, t('admin.tempHint'))),
    roles.fieldset,
    departments.fieldset,
    h('button', { class: 'primary', type: 'submit' }, t('admin.createBtn')),
  );
  // The server checks every field and names what is wrong; its message is shown as is.
  form.noValidate = true;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { username: username.value.trim(), displayName: displayName.value.trim(), password: password.value, roles: roles.value(), departments: departments.value() };
    api<{ account: Member }>('POST', '/api/accounts', body)
      .then(({ account }) => {
        toast(fill('admin.created', { u: account.username }), 'info', 8000);
        form.reset();
        onCreated();
      })
      .catch(fail);
  });
  return form;
}

void route();
