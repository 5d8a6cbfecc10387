import { h } from '../shared/dom';
import { t } from '../shared/i18n';

/** Long enough to read the receipt number; the end screen lists every receipt again. */
const SHOWN_MS = 8000;

/**
 * "Photo delivered", with the phone's own copy as a thumbnail, the point it was for and the number
 * of the server's signed receipt: shown when the server has taken the photo in, at the top of the
 * preview, clear of the buttons.
 */
export class DeliveredNotice {
  readonly root = h('div', { class: 'delivered', role: 'status', hidden: true });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private url: string | undefined;

  show(blob: Blob, pointTitle: string | undefined, receiptNumber?: string): void {
    this.hide();
    this.url = URL.createObjectURL(blob);
    this.root.replaceChildren(
      h('img', { class: 'delivered-thumb', src: this.url, alt: t('phone.photo.deliveredAlt'), decoding: 'async' }),
      h(
        'div',
        { class: 'delivered-text' },
        h(
          'p',
          { class: 'delivered-line' },
          h('span', { class: 'delivered-title' }, t('phone.photo.delivered')),
          receiptNumber ? h('span', { class: 'delivered-receipt' }, ` · ${t('phone.receipt.label')} `, h('span', { class: 'receipt-no' }, receiptNumber)) : null,
        ),
        pointTitle ? h('p', { class: 'delivered-point' }, pointTitle) : null,
      ),
    );
    this.root.hidden = false;
    this.timer = setTimeout(() => this.hide(), SHOWN_MS);
  }

  hide(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.root.hidden = true;
    this.root.replaceChildren();
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = undefined;
  }
}
