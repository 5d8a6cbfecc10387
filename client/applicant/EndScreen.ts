import { h } from '../shared/dom';
import { t, type MessageKey } from '../shared/i18n';
import { fill } from './boot';
import { CONTACT_OFFICE, LINK_GONE, RECONNECTABLE, REJOINABLE, type EndKind } from './phoneScreen';
import type { ReceiptStore } from './ReceiptStore';

/** Words of its own for an end the server sends no message for. */
const OWN_MESSAGE: Partial<Record<EndKind, MessageKey>> = { hung_up: 'phone.end.hung_up.message' };

/**
 * The screen after the call: right under the header, what happened, then what happens next, who
 * to contact, what became of unsent photos, and a button where going back in can help.
 */
export class EndScreen {
  readonly root = h('section', { class: 'ended', hidden: true, role: 'alert' });
  private readonly message = h('p', { class: 'ended-message' });
  private readonly photos = h('p', { class: 'photos-note', hidden: true });
  private readonly receiptBox = h('section', { class: 'receipts', hidden: true, 'aria-labelledby': 'receipts-title' });
  private kind: EndKind | null = null;

  constructor(
    private readonly caseNumber: string,
    /** The signed receipts of this case's photos kept in this browser: listed, and saved as a file. */
    private readonly receipts: ReceiptStore,
    /** "Reconnect" and "join again": a fresh page, which starts at once in a tab that started before. */
    private readonly again: () => void,
  ) {}

  show(kind: EndKind, message: string | undefined): void {
    this.kind = kind;
    const own = OWN_MESSAGE[kind];
    this.setMessage(message ?? (own ? t(own) : undefined));
    this.root.dataset.kind = kind;
    this.root.replaceChildren(
      h('h2', {}, t(`phone.end.${kind}.title` as MessageKey)),
      this.message,
      h('p', { class: 'next-step' }, h('strong', {}, t('phone.nextStep')), t(`phone.end.${kind}.next` as MessageKey)),
    );
    if (REJOINABLE.has(kind)) this.root.append(this.button('rejoin', t('phone.btn.rejoin')));
    if (RECONNECTABLE.has(kind)) this.root.append(this.button('reconnect', t('btn.reconnect')));
    if (CONTACT_OFFICE.has(kind)) this.root.append(h('p', { class: 'contact' }, fill(t('phone.contact'), { case: this.caseNumber })));
    this.root.append(this.photos, this.receiptBox, h('p', { class: 'camera-off' }, t('phone.cameraOff')));
    this.showReceipts();
    this.root.hidden = false;
  }

  /**
   * "Your photo receipts": each photo's point, the server's time and the receipt number, and a
   * button that saves every signed receipt as a JSON file the applicant can later have checked.
   */
  showReceipts(): void {
    const kept = this.receipts.all();
    this.receiptBox.hidden = kept.length === 0;
    if (!kept.length) return;
    this.receiptBox.replaceChildren(
      h('h3', { id: 'receipts-title' }, t('phone.receipts.title')),
      h('p', { class: 'receipts-why' }, t('phone.receipts.why')),
      h(
        'ol',
        { class: 'receipt-list' },
        ...kept.map((r) =>
          h(
            'li',
            { class: 'receipt' },
            h('span', { class: 'receipt-point' }, r.pointTitle),
            h('span', { class: 'receipt-meta' }, h('span', { class: 'receipt-time' }, beijingMinute(r.signed.receipt.serverTimeText)), ' · ', t('phone.receipt.label'), ' ', h('span', { class: 'receipt-no' }, r.signed.number)),
          ),
        ),
      ),
      h('button', { class: 'save-receipts', type: 'button', onclick: () => this.saveReceipts() }, t('phone.receipts.save')),
    );
  }

  private saveReceipts(): void {
    const url = URL.createObjectURL(new Blob([this.receipts.fileText()], { type: 'application/json' }));
    const a = h('a', { href: url, download: `${this.caseNumber}-receipts.json`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    // The download has its own copy once started; the URL is only needed for the click.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** The server's own wording for this end, when it comes after the screen was already shown. */
  fillMessage(kind: EndKind, message: string | undefined): void {
    if (kind === this.kind && message && !this.message.textContent) this.setMessage(message);
  }

  /** Unsent photos: where they are and what will send them, as the link's state allows. */
  notePhotos(sendable: 'never' | 'new_link' | 'same_link'): void {
    this.photos.textContent = t(sendable === 'never' ? 'phone.photosUnsent' : sendable === 'new_link' ? 'phone.photosKept.newLink' : 'phone.photosKept.sameLink');
    this.photos.hidden = false;
  }

  static photoFate(kind: EndKind): 'never' | 'new_link' | 'same_link' {
    if (kind === 'finished' || kind === 'session_ended') return 'never';
    return LINK_GONE.has(kind) || kind === 'replaced' ? 'new_link' : 'same_link';
  }

  private setMessage(message: string | undefined): void {
    this.message.textContent = message ?? '';
    this.message.hidden = !message;
  }

  private button(cls: string, label: string): HTMLElement {
    return h('button', { class: `primary ${cls}`, type: 'button', onclick: this.again }, label);
  }
}

/** "2026-03-14 09:05" from the server's signed Beijing time ("2026-03-14T09:05:07.123+08:00"): shown as the server stated it. */
function beijingMinute(serverTimeText: string): string {
  return `${serverTimeText.slice(0, 10)} ${serverTimeText.slice(11, 16)}`;
}
