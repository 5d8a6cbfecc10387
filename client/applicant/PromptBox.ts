import type { ApplicantPrompt } from '../../server/protocol/walk';
import { h, toast } from '../shared/dom';
import { t } from '../shared/i18n';
import { fill } from './boot';

const MAX_GALLERY_BYTES = 25 * 1024 * 1024;

/** The checklist point the inspector is on, in the words the server sent in the page's language. */
export class PromptBox {
  readonly root = h('section', { class: 'prompt', hidden: true, 'aria-live': 'polite' });
  private current: ApplicantPrompt | null = null;
  /** Point titles as last told, so a photo confirmed later still names its point. */
  private readonly titles = new Map<string, string>();

  constructor(
    /** Offices that allow it let the business send an existing photo for the current point. */
    private readonly gallery: ((pointKey: string, file: File) => void) | undefined,
  ) {}

  show(p: ApplicantPrompt | null): void {
    this.current = p;
    if (!p) return;
    this.titles.set(p.pointKey, p.title);
    this.root.dataset.index = String(p.index);
    this.root.replaceChildren(h('p', { class: 'step' }, `${fill(t('prompt.step'), { i: p.index, n: p.total })} · ${p.title}`), h('p', { class: 'prompt-text' }, p.prompt));
    if (this.gallery) this.root.append(this.galleryPicker(p.pointKey, this.gallery));
  }

  /** Shown only while the phone is in the call and the checklist is open. */
  setVisible(inCall: boolean): void {
    this.root.hidden = !inCall || !this.current || this.current.closed;
  }

  titleOf(pointKey: string): string | undefined {
    return this.titles.get(pointKey);
  }

  private galleryPicker(pointKey: string, send: (pointKey: string, file: File) => void): HTMLElement {
    const input = h('input', { type: 'file', accept: 'image/jpeg,image/png', class: 'gallery-input', hidden: true, 'aria-label': t('gallery.pick') });
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.value = '';
      if (!file) return;
      if (!/^image\/(jpeg|png)$/.test(file.type)) return toast(t('gallery.type'), 'error', 5000);
      if (file.size > MAX_GALLERY_BYTES) return toast(t('gallery.size'), 'error', 5000);
      send(pointKey, file);
      toast(t('gallery.sending'));
    });
    const button = h('button', { class: 'gallery', type: 'button' }, t('gallery.pick'));
    button.addEventListener('click', () => input.click());
    return h('div', { class: 'gallery-row' }, button, input, h('p', { class: 'muted gallery-note' }, t('gallery.note')));
  }
}
