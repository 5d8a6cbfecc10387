import type { StaffRole } from '../../server/accounts/Account';
import { api, type Member } from './api';
import { h, toast } from './dom';
import { lang, t, type MessageKey } from './i18n';

// What the two staff pages (console and admin) share: log-in, the forced password change, the top
// bar, labels, and Beijing-time formatting.

export const ROLES: readonly StaffRole[] = ['admin', 'supervisor', 'inspector', 'reviewer'];

export const roleLabel = (r: string): string => (ROLES.includes(r as StaffRole) ? t(`account.role.${r}` as MessageKey) : r);

export const hasRole = (m: Member, ...roles: StaffRole[]): boolean => roles.some((r) => m.roles.includes(r));

/** A message with {name} placeholders filled in. */
export function fill(key: MessageKey, vars: Record<string, string | number>): string {
  return t(key).replace(/\{(\w+)\}/g, (all, k: string) => (k in vars ? String(vars[k]) : all));
}

/** A list as each language writes it: 食品经营许可、公共场所卫生许可 / Food business, Public-place hygiene. */
export const listOf = (items: readonly string[]): string => items.join(lang === 'en' ? ', ' : '、');
/** A label before its value: 有效期至：… / Valid until: … */
export const labelled = (label: string, value: string): string => `${label}${lang === 'en' ? ': ' : '：'}${value}`;
/** An aside in brackets: （…） / (…). */
export const aside = (text: string): string => (lang === 'en' ? ` (${text})` : `（${text}）`);

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Beijing time, as the office reads it on every screen: 2025-03-14 09:05 (seconds on request). */
export function beijingTime(ms: number, withSeconds = false): string {
  const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${withSeconds ? `:${p.second}` : ''}`;
}

/** Staff log-in; `message` explains why the page came back here (e.g. the login ended). */
export function loginView(title: MessageKey, onDone: () => void, message?: string): HTMLElement {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'card login' },
    h('h1', {}, t(title)),
    message ? h('p', { class: 'notice', role: 'alert' }, message) : null,
    h('label', {}, t('login.username'), username),
    h('label', {}, t('login.password'), password),
    h('button', { class: 'primary', type: 'submit' }, t('btn.login')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    api('POST', '/api/login', { username: username.value, password: password.value })
      .then(onDone)
      .catch((err: Error) => toast(err.message, 'error', 6000));
  });
  return form;
}

/** The forced first step of an account whose password an admin set: nothing else works until it is done. */
export function changePasswordView(member: Member, onDone: () => void): HTMLElement {
  const current = h('input', { name: 'current', type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { name: 'next', type: 'password', autocomplete: 'new-password', required: true, minLength: 8 });
  const repeat = h('input', { name: 'repeat', type: 'password', autocomplete: 'new-password', required: true, minLength: 8 });
  const form = h(
    'form',
    { class: 'card login change-password' },
    h('h1', {}, t('account.password.title')),
    h('p', { class: 'notice' }, t('account.password.hint')),
    h('p', { class: 'muted' }, labelled(t('admin.username'), member.username)),
    h('label', {}, t('account.password.current'), current),
    h('label', {}, t('account.password.next'), next),
    h('label', {}, t('account.password.repeat'), repeat),
    h('button', { class: 'primary', type: 'submit' }, t('account.password.save')),
  );
  form.noValidate = true;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (next.value.length < 8) return toast(t('account.password.tooShort'), 'error', 6000);
    if (next.value !== repeat.value) return toast(t('account.password.mismatch'), 'error', 6000);
    api('POST', '/api/me/password', { current: current.value, next: next.value })
      .then(() => {
        toast(t('account.password.changed'));
        onDone();
      })
      .catch((err: Error) => toast(err.message, 'error', 6000));
  });
  return form;
}

/** The bar at the top of both staff pages: who is logged in, with which roles, and the way between pages. */
export function topBar(page: 'console' | 'admin', member: Member | undefined, onLogout: () => void): HTMLElement {
  const otherLang = lang === 'en' ? '?lang=zh-CN' : '?lang=en';
  // The shell's <title> is the server's zh-CN one; the page says its own name in its language.
  document.title = `${t('app.title')} · ${page === 'console' ? t('console.title') : t('admin.title')}`;
  document.documentElement.lang = lang;
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: page === 'console' ? '/inspector#/cases' : '/admin' }, `${t('app.title')} · ${page === 'console' ? t('console.title') : t('admin.title')}`),
    h('span', { class: 'spacer' }),
    member && page === 'admin' ? h('a', { class: 'to-console', href: '/inspector' }, t('console.toConsole')) : null,
    member && page === 'console' && hasRole(member, 'admin') ? h('a', { class: 'to-admin', href: '/admin' }, t('console.admin')) : null,
    // Each language is named in itself (and marked as such), so a reader of either can find theirs.
    h('a', { class: 'lang', href: `${otherLang}${location.hash}`, lang: lang === 'en' ? 'zh-CN' : 'en' }, lang === 'en' ? '中文' : 'English'),
    member
      ? h(
          'span',
          { class: 'user', title: member.username },
          h('strong', {}, member.displayName),
          ' ',
          h('span', { class: 'roles' }, listOf(member.roles.map(roleLabel))),
        )
      : null,
    member ? h('button', { class: 'logout', onclick: () => void api('POST', '/api/logout').then(onLogout, onLogout) }, t('btn.logout')) : null,
  );
}
