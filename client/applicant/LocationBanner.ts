import { h } from '../shared/dom';
import { t, type MessageKey } from '../shared/i18n';
import type { LocationProblem } from './phoneScreen';

/**
 * A lasting banner while the phone gives no location: what is wrong, why it matters, how to fix it
 * and a retry. It stays until a fix arrives; a retry that fails again shows it again.
 */
export class LocationBanner {
  private readonly title = h('p', { class: 'location-title' });
  private readonly how = h('p', { class: 'location-how' });
  private readonly retry: HTMLButtonElement;
  readonly root: HTMLElement;

  constructor(onRetry: () => void) {
    this.retry = h('button', { class: 'location-retry', type: 'button' }, t('btn.retry'));
    this.retry.addEventListener('click', () => {
      this.retry.disabled = true;
      this.root.dataset.retrying = 'true';
      onRetry();
    });
    this.root = h(
      'section',
      { class: 'location-banner', role: 'status', hidden: true },
      h('div', { class: 'location-head' }, this.title, this.retry),
      h('p', { class: 'location-why' }, t('phone.location.why')),
      this.how,
    );
  }

  /** null hides it. */
  show(problem: LocationProblem | null, retrying: boolean): void {
    this.root.hidden = problem === null;
    if (!problem) return;
    this.root.dataset.problem = problem;
    this.root.dataset.retrying = String(retrying);
    this.retry.disabled = retrying;
    this.retry.hidden = problem === 'unsupported';
    this.title.textContent = t(`phone.location.${problem}` as MessageKey);
    this.how.textContent = t(`phone.location.how.${problem}` as MessageKey);
  }
}
