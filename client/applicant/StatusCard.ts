import { h } from '../shared/dom';
import { t, type MessageKey } from '../shared/i18n';
import { fill } from './boot';
import { locationProblem, type LiveScreen, type PhoneFacts } from './phoneScreen';

const DETAIL: Record<LiveScreen, MessageKey> = {
  ready: 'phone.screen.ready.detail',
  connecting: 'phone.screen.connecting.detail',
  waiting_inspector: 'phone.screen.waiting_inspector.detail',
  live: 'phone.screen.live.detail',
  closing: 'phone.screen.closing.detail',
  inspector_left: 'phone.screen.inspector_left.detail',
  reconnecting: 'phone.screen.reconnecting.detail',
  camera_denied: 'phone.screen.camera_denied.detail',
};

/** The status line while in (or joining) the call: what is true now and what to do. */
export class StatusCard {
  private readonly title = h('p', { class: 'state-title' });
  private readonly detail = h('p', { class: 'state-detail' });
  private readonly extra = h('p', { class: 'state-extra', hidden: true });
  private readonly action: HTMLElement;
  readonly root: HTMLElement;

  constructor(onRetryCamera: () => void) {
    this.action = h('div', { class: 'state-action', hidden: true }, h('button', { class: 'primary', type: 'button', onclick: onRetryCamera }, t('btn.retry')));
    this.root = h('section', { class: 'state', role: 'status', 'aria-live': 'polite' }, this.title, this.detail, this.extra, this.action);
  }

  render(screen: LiveScreen, f: PhoneFacts): void {
    // "Connected" alone would say all is well while the inspector cannot check the address.
    const noLocation = screen === 'live' && locationProblem(f) !== null;
    this.root.dataset.state = f.connection;
    this.root.dataset.screen = screen;
    this.root.dataset.location = noLocation ? 'missing' : 'ok';
    this.title.textContent = t(noLocation ? 'phone.screen.live.noLocation' : (`phone.screen.${screen}` as MessageKey));
    this.detail.textContent = t(DETAIL[screen]);
    const observers = f.presence?.observers ?? 0;
    const inCall = screen === 'waiting_inspector' || screen === 'live' || screen === 'closing' || screen === 'inspector_left';
    this.extra.hidden = !(inCall && observers > 0);
    this.extra.textContent = fill(t('phone.observers'), { n: observers });
    this.action.hidden = screen !== 'camera_denied';
  }
}
