import { h } from '../shared/dom';
import { t } from '../shared/i18n';
import type { PhoneBoot } from './boot';
import { CallControls, type ControlActions } from './CallControls';
import { ChallengePrompt } from './ChallengePrompt';
import { DeliveredNotice } from './DeliveredNotice';
import { EndScreen } from './EndScreen';
import { LocationBanner } from './LocationBanner';
import { phoneHeader } from './PhoneHeader';
import { locationProblem, screenOf, type PhoneFacts, type PhoneScreen } from './phoneScreen';
import { PromptBox } from './PromptBox';
import { ReceiptStore } from './ReceiptStore';
import { StartCard } from './StartCard';
import { StatusCard } from './StatusCard';

export interface ViewActions extends ControlActions {
  start(): void;
  retryCamera(): void;
  retryLocation(): void;
  again(): void;
  gallery?: (pointKey: string, file: File) => void;
}

/**
 * The phone page, one column that fits a 360x740 screen without scrolling: header, then either
 * the start card, the end screen, or the call (status, location banner, prompt, preview, buttons).
 * Messages (toasts) and "photo delivered" sit on the preview, never on the buttons.
 */
export class PhoneView {
  readonly start: StartCard;
  readonly status: StatusCard;
  readonly location: LocationBanner;
  readonly prompt: PromptBox;
  readonly controls: CallControls;
  readonly end: EndScreen;
  readonly delivered = new DeliveredNotice();
  /** A challenge point's code to write down and hold in the picture, with the button that takes the photo. */
  readonly challenge = new ChallengePrompt();
  /** The signed receipts of this case's photos, kept in this browser. */
  readonly receipts: ReceiptStore;
  readonly preview = h('video', { class: 'preview', autoplay: true, muted: true, playsInline: true, 'aria-label': t('phone.preview') });
  readonly remoteAudio = h('audio', { autoplay: true });
  private readonly mutedBadge = h('p', { class: 'muted-badge', hidden: true }, t('phone.muted'));
  private readonly stage = h('div', { class: 'stage' });
  /** Where messages go while there is no preview to float them on. */
  private readonly messageSlot = h('div', { class: 'message-slot' });
  private readonly toasts = document.getElementById('toasts') ?? h('div', { id: 'toasts', 'aria-live': 'polite' });

  constructor(boot: PhoneBoot, actions: ViewActions) {
    this.start = new StartCard(boot, actions.start);
    this.status = new StatusCard(actions.retryCamera);
    this.location = new LocationBanner(actions.retryLocation);
    this.prompt = new PromptBox(boot.galleryUploads ? actions.gallery : undefined);
    this.controls = new CallControls(actions);
    this.receipts = new ReceiptStore(boot.caseNumber);
    this.end = new EndScreen(boot.caseNumber, this.receipts, actions.again);
    this.stage.append(this.preview, h('div', { class: 'stage-top' }, this.mutedBadge, this.delivered.root));
    document.body.classList.add('applicant');
    document.getElementById('app')!.append(
      phoneHeader(boot),
      this.start.root,
      this.end.root,
      this.status.root,
      this.location.root,
      this.prompt.root,
      this.challenge.root,
      this.messageSlot,
      this.stage,
      this.controls.root,
      this.remoteAudio,
    );
  }

  /** Shows what the facts say; returns the screen's name. */
  render(f: PhoneFacts, locationRetrying: boolean): PhoneScreen {
    const screen = screenOf(f);
    document.body.dataset.state = f.connection;
    document.body.dataset.screen = screen;
    const ended = f.end !== null;
    const ready = screen === 'ready';
    const inCall = !ended && !ready && screen !== 'camera_denied';
    this.start.root.hidden = !ready;
    this.status.root.hidden = ended || ready;
    if (!ended && !ready) this.status.render(screen as Exclude<PhoneScreen, `ended:${string}`>, f);
    this.location.show(locationProblem(f), locationRetrying);
    this.prompt.setVisible(inCall);
    this.challenge.setVisible(inCall);
    this.stage.hidden = !inCall;
    this.controls.root.hidden = !inCall;
    this.mutedBadge.hidden = !f.muted;
    // Messages float on the preview while there is one; otherwise they take their own line in the column.
    const host = inCall ? this.stage : this.messageSlot;
    if (this.toasts.parentElement !== host) host.append(this.toasts);
    return screen;
  }
}
