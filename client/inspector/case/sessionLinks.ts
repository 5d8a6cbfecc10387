import { api } from '../../shared/api';
import { h, toast } from '../../shared/dom';
import { t, type MessageKey } from '../../shared/i18n';
import { aside, beijingTime, labelled } from '../../shared/staff';
import type { CaseActions } from './CaseActions';
import type { LinkRow, SessionRow } from './types';

/** A session's join links with their states; those who manage it can copy the usable one, revoke it, or send a new one. */
export function linksBox(s: SessionRow, canIssue: boolean, open: boolean, ctx: CaseActions): HTMLElement {
  const links = [...s.links].sort((a, b) => b.createdAt - a.createdAt);
  const usable = links.find((l) => l.state === 'active' || l.state === 'used');
  const issue = () => {
    if (usable && !confirm(t('link.issueHint'))) return;
    ctx.act(() => api('POST', `/api/sessions/${s.id}/links`), t('link.issued'));
  };
  const table = links.length
    ? h(
        'table',
        { class: 'links' },
        h('thead', {}, h('tr', {}, h('th', {}, t('link.created')), h('th', {}, t('case.expires')), h('th', {}, t('case.status')), h('th', {}, h('span', { class: 'visually-hidden' }, t('list.actions'))))),
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
                  ? h('button', { class: 'small revoke', onclick: () => confirm(t('link.revokeConfirm')) && ctx.act(() => api('POST', `/api/links/${l.id}/revoke`), t('link.revoked')) }, t('btn.revoke'))
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
    usable && canIssue ? joinLink(usable) : canIssue ? h('p', { class: 'hint' }, t('link.none')) : null,
    table,
    canIssue ? h('div', { class: 'row issue-row' }, h('button', { class: 'new-link', onclick: issue }, t('link.issue')), h('span', { class: 'muted' }, t('link.issueHint'))) : null,
  );
  return h('details', { class: 'links-box', open }, h('summary', {}, `${t('link.title')}${aside(String(links.length))}`), body);
}

function joinLink(link: LinkRow): HTMLElement {
  const input = h('input', { class: 'join-url', readOnly: true, value: link.url, 'aria-label': t('case.link'), onclick: () => input.select() });
  // Without a clipboard (plain HTTP, an old browser) the link is selected for Ctrl+C, and the page says so.
  const manual = () => {
    input.focus();
    input.select();
    toast(t('list.copyManually'), 'info', 6000);
  };
  const copy = () => {
    if (!navigator.clipboard) return manual();
    navigator.clipboard.writeText(link.url).then(() => toast(t('toast.copied')), manual);
  };
  return h(
    'div',
    { class: 'join-link' },
    h('img', { class: 'qr', alt: t('list.qrAlt'), src: `/api/qr?text=${encodeURIComponent(link.url)}` }),
    h(
      'div',
      { class: 'join-link-text' },
      h('p', {}, t('case.link')),
      input,
      h('p', { class: 'muted' }, labelled(t('case.expires'), beijingTime(link.expiresAt))),
      h('button', { class: 'copy', onclick: copy }, t('link.copy')),
    ),
  );
}
