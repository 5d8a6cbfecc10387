import { h } from '../shared/dom';
import { t } from '../shared/i18n';

/**
 * A challenge point's request: the fresh code the server issued, in large type, to write on paper
 * and hold in the picture, and the button that takes the photo once it is written. The photo is
 * not taken at once as for other requests: the applicant needs time to write.
 */
export class ChallengePrompt {
  readonly root = h('section', { class: 'challenge', hidden: true, 'aria-live': 'assertive' });
  private pending: (() => void) | undefined;
  private visible = false;

  ask(code: string, shoot: () => void): void {
    this.pending = shoot;
    const [before, after] = t('phone.challenge.text').split('{code}');
    const button = h('button', { class: 'primary challenge-shoot', type: 'button' }, t('phone.challenge.shoot'));
    button.addEventListener('click', () => {
      const go = this.pending;
      this.clear();
      go?.();
    });
    this.root.dataset.code = code;
    this.root.replaceChildren(
      h('p', { class: 'challenge-text' }, before ?? '', h('strong', { class: 'challenge-code' }, code), after ?? ''),
      button,
    );
    this.root.hidden = !this.visible;
  }

  clear(): void {
    this.pending = undefined;
    delete this.root.dataset.code;
    this.root.replaceChildren();
    this.root.hidden = true;
  }

  /** Shown only while the phone is in the call. */
  setVisible(inCall: boolean): void {
    this.visible = inCall;
    this.root.hidden = !inCall || !this.pending;
  }
}
