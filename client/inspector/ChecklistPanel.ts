import type { CaptureChallenge, CaptureProgress, PointVideoStatus } from '../../server/protocol/signaling';
import type { WalkPointView, WalkView } from '../../server/protocol/walk';
import type { Member } from '../shared/api';
import { h, toast } from '../shared/dom';
import { t } from '../shared/i18n';
import type { SignalingClient } from '../shared/SignalingClient';
import { fill } from '../shared/staff';
import { closePanel, progressOf } from './call/ClosePanel';
import { closedSummary } from './call/ClosedSummary';
import { currentPointCard, recordingPoint, videoLine } from './call/CurrentPoint';
import { factsPanel } from './call/FactsPanel';
import { pointList } from './call/PointList';

export interface ChecklistOptions {
  /** The logged-in account: its departments decide which permits it may sign off. */
  member: Member;
  /** A supervisor watching (旁听): everything is shown, nothing can be changed. */
  readOnly: boolean;
  /** Where "back to the case" leads. */
  backHref(): string;
  /** Brings one of the side panels forward: 'points', 'facts' or 'close'. */
  showPanel(id: 'points' | 'facts' | 'close'): void;
  /** How many facts are still unanswered, for the panel's tab. */
  onFactsMissing(n: number): void;
  /** The point shown in the card changed (the position banner follows its distance rule). */
  onPointShown(p: WalkPointView | undefined): void;
}

type WalkEvent = 'walk:open' | 'walk:result' | 'walk:note' | 'walk:fact' | 'walk:sign' | 'walk:close' | 'walk:accept_reuse';

/** Results that settle a point without a photo of it. */
const NO_PHOTO_RESULTS = ['not_applicable', 'onsite_required'];

/**
 * The checklist of the live call. `card` is the current point, pinned above the panels; `points`,
 * `facts` and `close` fill the panels below it. A result moves the walk to the next open point,
 * unless the point still lacks its photos: then it stays and the phone is asked for one. Closing is
 * all the page does: the server then ends the call.
 */
export class ChecklistPanel {
  readonly card = h('div', { class: 'current-slot checklist' }, h('section', { class: 'card current-point empty' }, h('p', { class: 'muted' }, t('call.point.none'))));
  readonly points = h('div', { class: 'checklist' });
  readonly facts = h('div', { class: 'checklist' });
  readonly close = h('div', { class: 'checklist' });
  private view: WalkView | undefined;
  /** Photo requests in flight: request id -> latest state reported by the phone or the server. */
  private readonly captures = new Map<string, CaptureProgress>();
  /** A point picked in the list while nothing can change (watching, or closed): shown here only. */
  private browseKey: string | undefined;
  private allDone: boolean | undefined;
  /** The point the card shows now, and the one the list last marked. */
  private cardKey: string | undefined;
  private listKey: string | undefined;
  /** The open point's recorded-video count, as the server last sent it. */
  private video: PointVideoStatus | null = null;
  /** Challenge points: the code issued with the latest photo request of each point (this console's requests). */
  private readonly challenges = new Map<string, CaptureChallenge>();

  constructor(
    private readonly signaling: SignalingClient,
    private readonly sessionId: string,
    private readonly grabFrame: () => Promise<Blob | null>,
    private readonly opts: ChecklistOptions,
  ) {
    signaling.socket.on('point:video', (v) => this.onPointVideo(v));
  }

  /** A new count: only its line is redrawn unless what the card shows changes (a note being typed keeps its place). */
  private onPointVideo(v: PointVideoStatus | null): void {
    const before = this.video;
    this.video = v;
    const card = this.card.querySelector<HTMLElement>('.current-point[data-key]');
    const p = this.view?.points.find((x) => x.key === card?.dataset.key);
    if (!card || !p) return;
    const line = card.querySelector('.cp-video');
    const text = videoLine(p, v);
    if (recordingPoint(p, before) === recordingPoint(p, v) && (line !== null) === (text !== null)) {
      if (line && text !== null) line.textContent = text;
      return;
    }
    this.renderCard();
  }

  private record(key: string, record: boolean): void {
    this.signaling.request('point:video', { key, record }).then(
      (v) => this.onPointVideo(v),
      (e: Error) => toast(e.message, 'error', 6000),
    );
  }

  render(view: WalkView): void {
    const prev = this.view;
    if (prev && prev.current !== view.current) this.browseKey = undefined;
    this.view = view;
    this.renderCard();
    const shownKey = this.shownKey();
    const moved = shownKey !== this.listKey;
    this.listKey = shownKey;
    this.points.replaceChildren(
      ...[this.readOnlyNotice(view), this.factsNotice(view), pointList(view, shownKey, (key) => this.open(key)), this.allDoneNotice(view)].filter((e): e is HTMLElement => e !== null),
    );
    if (moved) this.points.querySelector('li.current')?.scrollIntoView({ block: 'nearest' });
    this.facts.replaceChildren(factsPanel(view, this.locked, (fact, value) => void this.send('walk:fact', { fact, value })));
    this.close.replaceChildren(
      closePanel(view, {
        readOnly: this.opts.readOnly,
        member: this.opts.member,
        sign: (permitType) => void this.send('walk:sign', { permitType }),
        close: (req) => void this.send('walk:close', req),
      }),
    );
    for (const el of [this.card, this.points, this.facts, this.close]) el.classList.toggle('read-only', this.locked);
    this.opts.onFactsMissing(this.locked ? 0 : view.facts.filter((f) => f.value === undefined).length);
    // Every point answered (by this console or another): signing and closing is what is left.
    const { answered, open } = progressOf(view);
    const allDone = answered > 0 && open === 0 && !view.closed;
    if (allDone && this.allDone === false) this.opts.showPanel('close');
    this.allDone = allDone;
  }

  /** The server decides at join whether this page works the call or only watches it. */
  setReadOnly(readOnly: boolean): void {
    if (this.opts.readOnly === readOnly) return;
    this.opts.readOnly = readOnly;
    if (this.view) this.render(this.view);
  }

  onCaptureProgress(p: CaptureProgress): void {
    this.captures.set(p.requestId, p);
    if (this.view) this.renderCard();
  }

  /** Nothing can change: a watching supervisor, or a checklist already closed. */
  private get locked(): boolean {
    return this.opts.readOnly || !!this.view?.closed;
  }

  private shownKey(): string | undefined {
    return this.browseKey ?? (this.view?.closed ? undefined : this.view?.current);
  }

  /**
   * Redraws the pinned card. When the point stays the same, the note being typed, its focus and the
   * text's scroll position survive the redraw.
   */
  private renderCard(): void {
    const v = this.view;
    if (!v) return;
    const key = this.shownKey();
    const same = key !== undefined && key === this.cardKey;
    this.cardKey = key;
    const oldNote = this.card.querySelector<HTMLTextAreaElement>('textarea.note');
    const typing = same && oldNote && document.activeElement === oldNote ? { start: oldNote.selectionStart, end: oldNote.selectionEnd } : undefined;
    const focused = document.activeElement instanceof HTMLElement && this.card.contains(document.activeElement) ? focusKey(document.activeElement) : undefined;
    const textScroll = same ? this.card.querySelector('.cp-text')?.scrollTop : undefined;
    const p = v.points.find((x) => x.key === key);
    const parts: HTMLElement[] = [];
    if (v.closed) parts.push(closedSummary(v, this.opts.backHref()));
    if (p) parts.push(this.pointCard(v, p, same ? oldNote?.value : undefined));
    this.card.replaceChildren(...parts);
    this.card.classList.toggle('closed', !!v.closed);
    const note = this.card.querySelector<HTMLTextAreaElement>('textarea.note');
    if (typing && note) {
      note.focus();
      note.setSelectionRange(typing.start, typing.end);
    } else if (focused) {
      // Keyboard work goes on where it was: the same control on the same point, the new point's title after a move.
      const again = same ? this.card.querySelector<HTMLElement>(focused) : null;
      (again && !(again as HTMLButtonElement).disabled ? again : this.card.querySelector<HTMLElement>('.current-point h3'))?.focus();
    }
    const text = this.card.querySelector('.cp-text');
    if (text && textScroll) text.scrollTop = textScroll;
    this.opts.onPointShown(v.closed ? undefined : p);
  }

  private pointCard(v: WalkView, p: WalkPointView, noteDraft: string | undefined): HTMLElement {
    const applicable = v.points.filter((x) => x.applies);
    const index = applicable.findIndex((x) => x.key === p.key);
    const { prev, next } = neighbours(v, p.key);
    return currentPointCard(p, {
      step: index >= 0 ? { index: index + 1, total: applicable.length } : null,
      locked: this.locked,
      noteDraft,
      inFlight: [...this.captures.values()].filter((c) => c.pointKey === p.key && c.state !== 'received'),
      challenge: this.challenges.get(p.key),
      hasPrev: !!prev,
      hasNext: !!next,
      onResult: (r, note) => void this.setResult(p, r, note),
      onNote: (note) => void this.send('walk:note', { key: p.key, note }),
      onAskPhoto: () => this.askPhoto(p.key),
      onCapture: (btn) => void this.capture(p.key, btn),
      video: this.video,
      onRecord: (record) => this.record(p.key, record),
      onAcceptReuse: (evidenceId, reason) => this.send('walk:accept_reuse', { key: p.key, evidenceId, reason }),
      onStep: (dir) => {
        const to = dir === 1 ? next : prev;
        if (to) this.open(to.key);
      },
    });
  }

  /** Why nothing here reacts: a watching supervisor, or a closed inspection (points can still be looked at). */
  private readOnlyNotice(view: WalkView): HTMLElement | null {
    if (view.closed) return h('p', { class: 'notice read-only-hint' }, t('call.point.browse'));
    return this.opts.readOnly ? h('p', { class: 'notice observer-hint' }, t('console.observerHint')) : null;
  }

  private factsNotice(view: WalkView): HTMLElement | null {
    const missing = view.facts.filter((f) => f.value === undefined).length;
    if (!missing || this.locked) return null;
    return h(
      'p',
      { class: 'notice facts-missing' },
      fill('call.facts.missing', { n: missing }),
      ' ',
      h('button', { type: 'button', class: 'link', onclick: () => this.opts.showPanel('facts') }, t('call.facts.open')),
    );
  }

  private allDoneNotice(view: WalkView): HTMLElement | null {
    const { answered, open } = progressOf(view);
    return answered > 0 && open === 0 && !view.closed && !this.locked ? h('p', { class: 'notice all-done' }, t('call.point.allDone')) : null;
  }

  /** Makes a point current: on the server (the phone follows) or, when nothing may change, here only. */
  private open(key: string): void {
    if (this.locked) {
      this.browseKey = key;
      if (this.view) this.render(this.view);
      return;
    }
    void this.send('walk:open', { key });
  }

  private async setResult(p: WalkPointView, result: string, note: string | undefined): Promise<void> {
    const missing = !NO_PHOTO_RESULTS.includes(result) && this.photosMissing(p);
    if (!(await this.send('walk:result', { key: p.key, result, note }))) return;
    if (missing) {
      // The result stands, but the point is not done: stay on it and ask the phone for the photo.
      if (!this.photoPending(p.key)) {
        toast(t('capture.auto'));
        this.askPhoto(p.key);
      }
      return;
    }
    const v = this.view;
    // Another console (or a click meanwhile) may have moved the walk: follow it, not the old point.
    if (!v || v.closed || v.current !== p.key) return;
    const next = nextOpen(v, p.key);
    if (next) void this.send('walk:open', { key: next.key });
  }

  /** Whether the point's photo rule is still unmet: flagged photos, reused ones not accepted and photos too far away do not count. */
  private photosMissing(p: WalkPointView): boolean {
    const counted = p.photos.filter((ph) => !ph.flags.length && (!ph.reuse || ph.reuse.accepted) && (p.evidence.maxDistanceM === undefined || ph.distance === 'pass')).length;
    return counted < p.evidence.minPhotos;
  }

  private photoPending(key: string): boolean {
    return [...this.captures.values()].some((c) => c.pointKey === key && c.state !== 'received' && c.state !== 'failed');
  }

  private askPhoto(key: string): void {
    this.signaling.request('capture:request', { pointKey: key }).then(
      (asked) => {
        if (!asked.challenge) return;
        this.challenges.set(key, asked.challenge);
        if (this.view) this.renderCard();
      },
      (e: Error) => toast(e.message, 'error'),
    );
  }

  private send(event: WalkEvent, payload: unknown): Promise<boolean> {
    return this.signaling.request(event, payload).then(
      () => true,
      (e: Error) => {
        toast(e.message, 'error', 6000);
        return false;
      },
    );
  }

  private async capture(key: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const blob = await this.grabFrame();
      if (!blob) throw new Error(t('walk.noVideo'));
      const res = await fetch(`/api/sessions/${this.sessionId}/evidence/frame?point=${encodeURIComponent(key)}`, { method: 'POST', body: blob, headers: { 'Content-Type': blob.type } });
      const body = (await res.json().catch(() => ({}))) as { error?: { message: string }; evidence?: { checked: { distance?: string } } };
      if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      const d = body.evidence?.checked.distance;
      toast(d === 'fail' ? t('walk.capturedFar') : d === 'uncertain' ? t('walk.capturedUncertain') : t('walk.captured'), d && d !== 'pass' ? 'error' : 'info');
    } catch (err) {
      toast((err as Error).message, 'error');
    } finally {
      button.disabled = false;
    }
  }
}

/** A selector that finds the same control in a redrawn card. */
function focusKey(el: HTMLElement): string | undefined {
  if (el.dataset.result) return `button[data-result="${el.dataset.result}"]`;
  if (el.classList.contains('reuse-reason')) return `#${el.id}`;
  const cls = ['ask-photo', 'capture', 'record-point', 'prev', 'next', 'thumb', 'more-photos', 'cp-text'].find((c) => el.classList.contains(c));
  return cls ? `.${cls}` : undefined;
}

/** The applicable points just before and just after `key`, in the checklist's order. */
function neighbours(v: WalkView, key: string): { prev?: WalkPointView; next?: WalkPointView } {
  const i = v.points.findIndex((p) => p.key === key);
  return {
    prev: v.points.slice(0, Math.max(0, i)).reverse().find((p) => p.applies),
    next: v.points.slice(i + 1).find((p) => p.applies),
  };
}

/** The first applicable point without a result after `key`, wrapping round to the start. */
function nextOpen(v: WalkView, key: string): WalkPointView | undefined {
  const i = v.points.findIndex((p) => p.key === key);
  const order = [...v.points.slice(i + 1), ...v.points.slice(0, Math.max(0, i))];
  return order.find((p) => p.applies && !p.result);
}
