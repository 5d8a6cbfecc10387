import { h } from '../shared/dom';
import { t } from '../shared/i18n';
import { fill, officeName, type PhoneBoot } from './boot';
import { inspectorNames } from './PhoneHeader';

/**
 * The first screen of a shop owner who has not started yet: who is calling, why the page needs
 * the camera, microphone and location, and one button after which the browser asks for them.
 */
export class StartCard {
  readonly root: HTMLElement;
  private readonly button: HTMLButtonElement;

  constructor(boot: PhoneBoot, onStart: () => void) {
    this.button = h('button', { class: 'primary start', type: 'button' }, t('phone.start.button'));
    this.button.addEventListener('click', () => {
      this.button.disabled = true;
      onStart();
    });
    this.root = h(
      'section',
      { class: 'start-card', 'aria-labelledby': 'start-title' },
      h('h2', { id: 'start-title' }, fill(t('phone.start.title'), { office: officeName(boot) })),
      h('p', { class: 'start-body' }, fill(t('phone.start.body'), { name: inspectorNames(boot), business: boot.businessName })),
      h('div', { class: 'why' }, h('p', {}, t('phone.why.title')), h('ul', {}, h('li', {}, t('phone.why.camera')), h('li', {}, t('phone.why.mic')), h('li', {}, t('phone.why.location')))),
      this.button,
      h('p', { class: 'start-allow' }, t('phone.start.allow')),
      h('p', { class: 'start-safety' }, t('phone.start.safety')),
    );
  }
}
