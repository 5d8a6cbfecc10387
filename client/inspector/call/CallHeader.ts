import type { SessionState } from '../../../server/inspection/SessionState';
import type { CaseSummary } from '../../../server/protocol/signaling';
import { h } from '../../shared/dom';
import { permitLabel, t } from '../../shared/i18n';
import { listOf } from '../../shared/staff';
import { sessionStateLabel } from '../labels';

/** One line above the video: the business, its case and permits, the address, the session's state. */
export class CallHeader {
  private readonly title = h('h2', {});
  private readonly meta = h('span', { class: 'case-meta' });
  private readonly address = h('span', { class: 'case-address' });
  private readonly state = h('span', { class: 'state-slot' });
  private readonly observer = h('span', { class: 'observer-badge', hidden: true, title: t('console.observerHint') }, t('console.observerBadge'));
  readonly root = h('header', { class: 'call-head' }, this.title, this.meta, this.address, h('span', { class: 'spacer' }), this.observer, this.state);

  setCase(c: CaseSummary): void {
    this.title.textContent = c.businessName;
    this.meta.textContent = `${c.caseNumber} · ${listOf(c.permitTypes.map(permitLabel))}`;
    this.address.textContent = c.address.text;
    this.address.title = c.address.text;
  }

  setState(state: SessionState | undefined, observer: boolean): void {
    this.state.replaceChildren(state ? h('span', { class: `state-badge state-${state}`, 'data-state': state }, sessionStateLabel(state)) : '');
    this.observer.hidden = !observer;
  }
}
