import type { SessionTransition } from '../../../server/inspection/SessionTransition';
import { h } from '../../shared/dom';
import { t, type MessageKey } from '../../shared/i18n';
import { aside, beijingTime, labelled } from '../../shared/staff';
import { sessionStateLabel } from '../labels';
import type { NameOf } from './decidedWalk';

/** Every step of a session's lifecycle: when, from which state to which, who or what moved it, and why. */
export function historyBox(transitions: readonly SessionTransition[], open: boolean, nameOf: NameOf): HTMLElement {
  const actor = (a: string) => (a === 'applicant' ? t('session.actor.applicant') : a === 'system' ? t('session.actor.system') : nameOf(a.replace(/^staff:/, '')));
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
