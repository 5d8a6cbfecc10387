import type { CameraState } from '../../server/protocol/signaling';
import { h } from '../shared/dom';
import { t } from '../shared/i18n';

export interface ControlActions {
  toggleMute(): void;
  switchCamera(): void;
  torch(on: boolean): void;
  zoom(to: number): void;
  /** Called after the shop owner confirmed. */
  hangUp(): void;
}

/**
 * The phone's buttons, at the bottom within thumb reach: mute, switch camera, hang up (asked
 * again in place, not in a browser dialog), and torch and zoom where the camera has them.
 */
export class CallControls {
  readonly root = h('div', { class: 'controls', role: 'group' });
  private confirming = false;
  private camera: CameraState | null = null;
  private muted = false;

  constructor(private readonly actions: ControlActions) {}

  render(camera: CameraState | null, muted: boolean): void {
    this.camera = camera;
    this.muted = muted;
    this.draw();
  }

  private draw(): void {
    if (this.confirming) return this.drawConfirm();
    const st = this.camera;
    const mute = h('button', { class: `mute${this.muted ? ' on' : ''}`, type: 'button', 'aria-pressed': String(this.muted), onclick: () => this.actions.toggleMute() }, t(this.muted ? 'phone.btn.unmute' : 'phone.btn.mute'));
    const main = h(
      'div',
      { class: 'controls-row' },
      mute,
      h('button', { class: 'switch-camera', type: 'button', disabled: !st, onclick: () => this.actions.switchCamera() }, t('btn.switchCamera')),
      h('button', { class: 'hang-up danger', type: 'button', onclick: () => this.ask() }, t('phone.btn.hangUp')),
    );
    const extra: HTMLElement[] = [];
    if (st?.torch.available) extra.push(h('button', { class: 'torch', type: 'button', onclick: () => this.actions.torch(!st.torch.on) }, t(st.torch.on ? 'btn.torchOff' : 'btn.torchOn')));
    if (st?.zoom) {
      const z = st.zoom;
      extra.push(
        h('button', { class: 'zoom-out', type: 'button', onclick: () => this.actions.zoom(z.value - z.step * 5) }, t('btn.zoomOut')),
        h('button', { class: 'zoom-in', type: 'button', onclick: () => this.actions.zoom(z.value + z.step * 5) }, t('btn.zoomIn')),
      );
    }
    this.root.replaceChildren(main, ...(extra.length ? [h('div', { class: 'controls-row extra' }, ...extra)] : []));
  }

  private ask(): void {
    this.confirming = true;
    this.draw();
    this.root.querySelector<HTMLButtonElement>('.hang-up-cancel')?.focus();
  }

  private drawConfirm(): void {
    const stay = h('button', { class: 'hang-up-cancel', type: 'button' }, t('phone.hangUp.no'));
    stay.addEventListener('click', () => {
      this.confirming = false;
      this.draw();
    });
    const leave = h('button', { class: 'hang-up-confirm danger', type: 'button' }, t('phone.hangUp.yes'));
    leave.addEventListener('click', () => {
      this.confirming = false;
      this.actions.hangUp();
    });
    this.root.replaceChildren(h('div', { class: 'hang-up-ask', role: 'alertdialog', 'aria-labelledby': 'hang-up-q' }, h('p', { id: 'hang-up-q' }, t('phone.hangUp.confirm')), h('div', { class: 'controls-row' }, stay, leave)));
  }
}
