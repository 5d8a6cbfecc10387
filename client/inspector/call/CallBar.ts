import type { ApplicantPresence, CallPresence, CameraAction, CameraState, PositionUpdate } from '../../../server/protocol/signaling';
import { h } from '../../shared/dom';
import { t, type MessageKey } from '../../shared/i18n';
import { fill } from '../../shared/staff';
import { qualityLevel, type Quality } from '../QualityMeter';
import { formatDistance } from './format';

export interface CallBarActions {
  mute(): void;
  leave(): void;
  interrupt(): void;
  camera(action: CameraAction, zoom?: number): void;
  showPosition(): void;
}

/**
 * The bar under the video, always in view: who is on the phone, whether the picture can be
 * trusted (the numbers behind it one click away), where the phone is, the camera requests,
 * mute, leave and interrupt.
 */
export class CallBar {
  private readonly applicant = h('span', { class: 'applicant-chip presence-line', role: 'status', 'data-applicant': 'waiting' });
  private readonly qualityLabel = h('span', { class: 'quality-label' });
  private readonly stats = h('dl', { class: 'stats' });
  private readonly quality = h('details', { class: 'quality', 'data-level': 'unknown' }, h('summary', {}, h('span', { class: 'bars', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), this.qualityLabel), h('div', { class: 'stats-pop', role: 'group', 'aria-label': t('call.stats.label') }, this.stats));
  private readonly posChip = h('button', { type: 'button', class: 'pos-chip', 'data-has-fix': 'false' }, t('call.pos.chipNone'));
  private readonly cameraBtns = h('div', { class: 'camera-buttons', role: 'group', 'aria-label': t('call.cam.label') });
  private readonly muteBtn = h('button', { type: 'button', class: 'mute', 'aria-pressed': 'false' }, t('btn.mute'));
  private readonly leaveBtn = h('button', { type: 'button', class: 'end', title: t('call.leaveHint') }, t('call.leave'));
  private readonly interruptBtn = h('button', { type: 'button', class: 'danger-outline interrupt', hidden: true, title: t('console.interruptConfirm') }, t('call.interrupt'));
  readonly root = h(
    'div',
    { class: 'call-bar', role: 'toolbar', 'aria-label': t('call.bar.label') },
    h('div', { class: 'bar-group bar-state' }, this.applicant, this.quality, this.posChip),
    this.cameraBtns,
    h('div', { class: 'bar-group bar-actions' }, this.muteBtn, this.leaveBtn, this.interruptBtn),
  );

  constructor(private readonly act: CallBarActions) {
    this.muteBtn.addEventListener('click', () => act.mute());
    this.leaveBtn.addEventListener('click', () => act.leave());
    this.interruptBtn.addEventListener('click', () => act.interrupt());
    this.posChip.addEventListener('click', () => act.showPosition());
    this.setQuality(null);
  }

  setApplicant(p: ApplicantPresence | 'ended', counts?: CallPresence): void {
    this.applicant.dataset.applicant = p;
    this.applicant.textContent = fill('call.applicant', { state: p === 'ended' ? t('call.applicant.ended') : t(`console.applicant.${p}` as MessageKey) });
    this.applicant.title = counts ? fill('console.presence', { a: t(`console.applicant.${counts.applicant}` as MessageKey), n: counts.inspectors, o: counts.observers }) : '';
  }

  setQuality(q: Quality | null): void {
    const level = q ? qualityLevel(q) : 'unknown';
    this.quality.dataset.level = level;
    this.qualityLabel.textContent = fill('call.quality.text', { level: t(`call.quality.${level}` as MessageKey) });
    this.quality.title = fill('call.quality.details', { level: t(`call.quality.${level}` as MessageKey) });
    this.stats.replaceChildren(
      h('dt', {}, t('stats.bitrate')),
      h('dd', { class: 'bitrate' }, q ? `${q.kbps} kbps` : '—'),
      h('dt', {}, t('stats.loss')),
      h('dd', { class: 'loss' }, q ? `${q.lossPct}%` : '—'),
      h('dt', {}, t('stats.rtt')),
      h('dd', { class: 'rtt' }, q?.rttMs == null ? '—' : `${q.rttMs} ms`),
      h('dt', {}, t('stats.resolution')),
      h('dd', { class: 'resolution' }, q?.width ? `${q.width}×${q.height}` : '—'),
    );
  }

  setPosition(p: PositionUpdate | null): void {
    this.posChip.dataset.hasFix = String(!!p);
    this.posChip.textContent = p ? fill('call.pos.chip', { d: formatDistance(p.distanceM) }) : t('call.pos.chipNone');
    this.posChip.title = p ? `±${Math.round(p.accuracyM)} m` : '';
  }

  setCamera(camera: CameraState | null): void {
    const ask = (action: CameraAction, zoom?: number) => () => this.act.camera(action, zoom);
    const btns: HTMLElement[] = [
      h('button', { type: 'button', class: 'ask-rear', onclick: ask('rear') }, t('call.cam.rear')),
      h('button', { type: 'button', class: 'ask-front', onclick: ask('front') }, t('call.cam.front')),
    ];
    if (camera?.torch.available) {
      btns.push(h('button', { type: 'button', class: 'ask-torch', 'aria-pressed': String(camera.torch.on), onclick: ask(camera.torch.on ? 'torch_off' : 'torch_on') }, t(camera.torch.on ? 'call.cam.torchOff' : 'call.cam.torchOn')));
    }
    const z = camera?.zoom;
    if (z) {
      btns.push(
        h('button', { type: 'button', class: 'ask-zoom-out', disabled: z.value <= z.min, onclick: ask('zoom', z.value - z.step * 5) }, t('call.cam.zoomOut')),
        h('button', { type: 'button', class: 'ask-zoom-in', disabled: z.value >= z.max, onclick: ask('zoom', z.value + z.step * 5) }, t('call.cam.zoomIn')),
      );
    }
    this.cameraBtns.replaceChildren(...btns);
  }

  setMuted(muted: boolean): void {
    this.muteBtn.textContent = muted ? t('btn.unmute') : t('btn.mute');
    this.muteBtn.setAttribute('aria-pressed', String(muted));
    this.muteBtn.classList.toggle('active', muted);
  }

  /**
   * What this page may do: a watching supervisor only watches; once the call is over nothing is
   * left here (the way back is on the video); interrupting exists only while the checklist is open.
   */
  setMode(m: { observer: boolean; ended: boolean; walkOpen: boolean }): void {
    this.muteBtn.hidden = m.observer || m.ended;
    this.cameraBtns.hidden = m.observer || m.ended;
    this.interruptBtn.hidden = m.observer || m.ended || !m.walkOpen;
    this.leaveBtn.hidden = m.ended;
    this.quality.hidden = m.ended;
  }
}
