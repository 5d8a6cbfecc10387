import type { CaptureProgress } from '../../server/protocol/signaling';
import type { OutcomeKind, PermitOutcomeView, WalkPointView, WalkView } from '../../server/protocol/walk';
import type { Member } from '../shared/api';
import { h, toast } from '../shared/dom';
import { permitLabel, t, type MessageKey } from '../shared/i18n';
import type { SignalingClient } from '../shared/SignalingClient';
import { aside, beijingTime, fill, hasRole, labelled } from '../shared/staff';
import { outcomeLabel } from './labels';

const RESULT_KEYS: Record<string, MessageKey> = {
  pass: 'result.pass',
  fail: 'result.fail',
  not_applicable: 'result.not_applicable',
  needs_rectification: 'result.needs_rectification',
  onsite_required: 'result.onsite_required',
};

/** Chip labels: a photo that waits is kept on the phone (the reason says why), a refused one was the photo's own fault. */
const CAPTURE_LABEL: Partial<Record<CaptureProgress['state'], MessageKey>> = { retrying: 'capture.state.waiting', failed: 'capture.state.refused' };

/** A requested photo not yet in: what the phone is doing with it and, when it waits or was refused, why. */
function captureChip(c: CaptureProgress): HTMLElement {
  const label = t(CAPTURE_LABEL[c.state] ?? (`capture.state.${c.state}` as MessageKey));
  return h('span', { class: `capture-state state-${c.state}`, 'data-request-id': c.requestId, title: c.message }, label, c.message ? h('span', { class: 'capture-reason' }, `：${c.message}`) : null);
}

export interface ChecklistOptions {
  /** The logged-in account: its departments decide which permits it may sign off. */
  member: Member;
  /** A supervisor watching (旁听): everything is shown, nothing can be changed. */
  readOnly: boolean;
}

/**
 * The checklist beside the video: the current point with its guidance, one-click results, notes,
 * frame capture, the list of points, progress, each department's sign-off, and the close button
 * with the reason it is disabled. Closing is all the page does: the server then ends the call.
 */
export class ChecklistPanel {
  readonly root = h('section', { class: 'card checklist' });
  private view: WalkView | undefined;
  /** Photo requests in flight: request id -> latest state reported by the phone or the server. */
  private readonly captures = new Map<string, CaptureProgress>();

  constructor(
    private readonly signaling: SignalingClient,
    private readonly sessionId: string,
    private readonly grabFrame: () => Promise<Blob | null>,
    private readonly opts: ChecklistOptions,
  ) {}

  render(view: WalkView): void {
    const noteDraft = (this.root.querySelector('textarea.note') as HTMLTextAreaElement | null)?.value;
    const sameCurrent = this.view?.current === view.current;
    this.view = view;
    const applicable = view.points.filter((p) => p.applies);
    const done = applicable.filter((p) => p.result).length;
    const current = view.points.find((p) => p.key === view.current);
    const parts: Array<HTMLElement | null> = [
      h('h3', {}, t('walk.title'), ' ', h('span', { class: 'progress', 'data-done': String(done), 'data-total': String(applicable.length) }, `${done} / ${applicable.length}`)),
      view.parentSessionId ? h('p', { class: 'muted' }, t('walk.reinspection')) : null,
      this.factsBox(view),
      current ? this.currentBox(current, sameCurrent ? noteDraft : undefined) : null,
      this.listBox(view),
      this.closeBox(view),
    ];
    this.root.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
    this.root.classList.toggle('read-only', this.opts.readOnly);
  }

  /** The server decides at join whether this page works the call or only watches it. */
  setReadOnly(readOnly: boolean): void {
    if (this.opts.readOnly === readOnly) return;
    this.opts.readOnly = readOnly;
    if (this.view) this.render(this.view);
  }

  onCaptureProgress(p: CaptureProgress): void {
    this.captures.set(p.requestId, p);
    if (this.view) this.render(this.view);
  }

  private send(event: 'walk:open' | 'walk:result' | 'walk:note' | 'walk:fact' | 'walk:sign' | 'walk:close', payload: unknown): Promise<void> {
    return this.signaling.request(event, payload).then(
      () => undefined,
      (e: Error) => toast(e.message, 'error', 6000),
    );
  }

  private factsBox(view: WalkView): HTMLElement | null {
    if (!view.facts.length) return null;
    return h(
      'details',
      { class: 'facts', open: view.facts.some((f) => f.value === undefined) },
      h('summary', {}, t('walk.facts')),
      ...view.facts.map((f) => {
        let input: HTMLElement;
        if (f.type === 'boolean') {
          const sel = h('select', { name: f.key, disabled: this.locked }, h('option', { value: '' }, '—'), h('option', { value: 'true' }, t('walk.yes')), h('option', { value: 'false' }, t('walk.no')));
          sel.value = f.value === undefined ? '' : String(f.value);
          sel.addEventListener('change', () => sel.value && void this.send('walk:fact', { fact: f.key, value: sel.value === 'true' }));
          input = sel;
        } else if (f.type === 'enum') {
          const sel = h('select', { name: f.key, disabled: this.locked }, h('option', { value: '' }, '—'), ...(f.values ?? []).map((v) => h('option', { value: v }, v)));
          sel.value = f.value === undefined ? '' : String(f.value);
          sel.addEventListener('change', () => sel.value && void this.send('walk:fact', { fact: f.key, value: sel.value }));
          input = sel;
        } else {
          const num = h('input', { name: f.key, type: 'number', min: '0', step: 'any', value: f.value === undefined ? '' : String(f.value), disabled: this.locked });
          num.addEventListener('change', () => num.value !== '' && void this.send('walk:fact', { fact: f.key, value: Number(num.value) }));
          input = num;
        }
        return h('label', { class: 'fact' }, `${f.label}${f.unit ? `（${f.unit}）` : ''}`, input);
      }),
    );
  }

  /** Nothing can change: a watching supervisor, or a checklist already closed. */
  private get locked(): boolean {
    return this.opts.readOnly || !!this.view?.closed;
  }

  private currentBox(p: WalkPointView, noteDraft: string | undefined): HTMLElement {
    const note = h('textarea', { class: 'note', rows: 2, placeholder: t('walk.notePlaceholder'), readOnly: this.locked });
    note.value = noteDraft ?? p.note ?? '';
    // A note typed after the result was chosen is saved when the field is left.
    note.addEventListener('blur', () => {
      const text = note.value.trim();
      if (p.result && text && text !== (p.note ?? '')) void this.send('walk:note', { key: p.key, note: text });
    });
    const rule = [
      p.evidence.minPhotos ? `${t('walk.photos')} ≥ ${p.evidence.minPhotos}` : '',
      p.evidence.maxDistanceM ? `${t('walk.within')} ${p.evidence.maxDistanceM} m` : '',
      p.evidence.minVideoSeconds ? `${t('walk.video')} ≥ ${p.evidence.minVideoSeconds} s` : '',
    ].filter(Boolean);
    const capture = h('button', { class: 'capture', title: t('capture.frameGrade') }, t('walk.capture'));
    capture.addEventListener('click', () => void this.capture(p.key, capture));
    const askPhoto = h('button', { class: 'primary ask-photo' }, t('capture.ask'));
    askPhoto.addEventListener('click', () => void this.signaling.request('capture:request', { pointKey: p.key }).catch((e: Error) => toast(e.message, 'error')));
    const inFlight = [...this.captures.values()].filter((c) => c.pointKey === p.key && c.state !== 'received');
    const strip = h(
      'div',
      { class: 'thumbs' },
      ...p.photos.map((ph) =>
        h(
          'a',
          {
            href: `/api/evidence/${ph.id}/stamped`,
            target: '_blank',
            class: `thumb distance-${ph.distance ?? 'none'} source-${ph.source}${ph.flags.length ? ' flagged' : ''}`,
            'data-evidence-id': ph.id,
            title: ph.flags.map((f) => t(`photo.flag.${f}` as MessageKey)).join('；'),
          },
          h('img', { src: `/api/evidence/${ph.id}/stamped?w=200`, alt: p.title, loading: 'lazy' }),
          ph.source !== 'photo' ? h('span', { class: 'source' }, t(`photo.source.${ph.source}` as MessageKey)) : null,
          ph.distance && ph.distance !== 'pass' ? h('span', { class: 'verdict' }, t(`distance.${ph.distance}` as MessageKey)) : null,
          ph.flags.length ? h('span', { class: 'flags' }, ph.flags.map((f) => t(`photo.flag.${f}` as MessageKey)).join('；')) : null,
        ),
      ),
      ...inFlight.map(captureChip),
    );
    const ro = this.opts.readOnly;
    return h(
      'div',
      { class: 'current-point', 'data-key': p.key },
      h('h4', {}, p.title, p.required ? h('span', { class: 'badge' }, t('walk.required')) : null, p.critical ? h('span', { class: 'badge danger' }, t('walk.critical')) : null),
      h('p', { class: 'guidance' }, p.guidance),
      h('p', { class: 'phone-prompt' }, `${t('walk.phoneSees')}：${p.prompt}`),
      h('p', { class: 'sources muted' }, p.sources.map((s) => `${permitLabel(s.permitType)} · ${s.clause}`).join('；')),
      rule.length ? h('p', { class: 'rule' }, `${t('walk.evidenceRule')}：${rule.join('，')} · ${t('walk.have')} ${p.evidenceCount}`) : null,
      p.evidenceGap && p.result !== 'not_applicable' ? h('p', { class: 'gap' }, p.evidenceGap) : null,
      ro
        ? h('p', { class: 'result-readonly' }, labelled(t('console.result'), ''), h('strong', {}, p.result ? t(RESULT_KEYS[p.result] ?? 'result.pass') : '—'), p.note ? ` · ${p.note}` : '')
        : h(
          'div',
          { class: 'results' },
          ...p.results.map((r) =>
            h(
              'button',
              {
                class: `result result-${r}${p.result === r ? ' chosen' : ''}`,
                'data-result': r,
                disabled: !!this.view?.closed,
                onclick: () => {
                  void this.send('walk:result', { key: p.key, result: r, note: note.value.trim() || undefined });
                  if (r !== 'not_applicable' && r !== 'onsite_required') this.askForMissingPhotos(p);
                },
              },
              t(RESULT_KEYS[r] ?? 'result.pass'),
            ),
          ),
        ),
      ro ? null : note,
      strip,
      ro ? null : h('div', { class: 'row' }, askPhoto, capture, h('button', { class: 'next', onclick: () => this.step(1) }, t('walk.next'))),
    );
  }

  /** A result on a point whose photo rule is not yet met asks the phone for a full-resolution photo at once. */
  private askForMissingPhotos(p: WalkPointView): void {
    const counted = p.photos.filter((ph) => !ph.flags.length && (p.evidence.maxDistanceM === undefined || ph.distance === 'pass')).length;
    const pending = [...this.captures.values()].some((c) => c.pointKey === p.key && c.state !== 'received' && c.state !== 'failed');
    if (counted >= p.evidence.minPhotos || pending) return;
    toast(t('capture.auto'));
    void this.signaling.request('capture:request', { pointKey: p.key }).catch((e: Error) => toast(e.message, 'error'));
  }

  private step(dir: 1 | -1): void {
    const v = this.view;
    if (!v) return;
    const list = v.points.filter((p) => p.applies);
    const i = list.findIndex((p) => p.key === v.current);
    const next = list[i + dir];
    if (next) void this.send('walk:open', { key: next.key });
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

  private listBox(view: WalkView): HTMLElement {
    return h(
      'ol',
      { class: 'point-list' },
      ...view.points.map((p) =>
        h(
          'li',
          { class: `${p.applies ? '' : 'na'}${p.key === view.current ? ' current' : ''}`, 'data-key': p.key, 'data-result': p.result ?? '' },
          this.opts.readOnly ? h('span', {}, p.title) : h('button', { class: 'link', onclick: () => void this.send('walk:open', { key: p.key }) }, p.title),
          ' ',
          h('span', { class: 'status' }, p.result ? t(RESULT_KEYS[p.result] ?? 'result.pass') : p.applies ? (p.required ? '·' : '') : t('walk.notApplicable')),
        ),
      ),
    );
  }

  private closeBox(view: WalkView): HTMLElement {
    const signOffs = this.signOffBox(view);
    if (view.closed) {
      const box = h('div', { class: 'closed-outcome', 'data-outcome': view.closed.outcome }, h('strong', {}, `${t('walk.closedAs')}：${outcomeLabel(view.closed.outcome)}`));
      if (view.closed.overrideReason) box.append(h('p', {}, `${t('walk.overrideReason')}：${view.closed.overrideReason}`));
      if (view.closed.rectificationDeadline) box.append(h('p', {}, `${t('walk.deadline')}：${beijingTime(view.closed.rectificationDeadline).slice(0, 10)}`));
      return h('div', { class: 'close-box' }, box, signOffs);
    }
    const computed = view.outcome.outcome;
    const blockers = view.blockers.length
      ? h('p', { class: 'blockers', role: 'status' }, `${t('walk.cannotClose')}：${view.blockers[0]}${view.blockers.length > 1 ? ` ${t('walk.andMore').replace('{n}', String(view.blockers.length - 1))}` : ''}`)
      : null;
    const computedLine = h('p', { class: 'computed', 'data-outcome': computed }, `${t('walk.computed')}：${outcomeLabel(computed)}`);
    if (this.opts.readOnly) return h('div', { class: 'close-box' }, computedLine, signOffs, blockers);
    const choice = h('select', { class: 'outcome-choice' }, ...(['pass', 'conditional_pass', 'fail', 'onsite_visit'] as OutcomeKind[]).map((o) => h('option', { value: o }, outcomeLabel(o))));
    choice.value = computed;
    const reason = h('textarea', { class: 'override-reason', rows: 2, placeholder: t('walk.overridePlaceholder'), hidden: true });
    choice.addEventListener('change', () => (reason.hidden = choice.value === computed));
    const close = h('button', { class: 'danger close-walk', disabled: view.blockers.length > 0 }, t('btn.end'));
    close.addEventListener('click', () => {
      if (!confirm(t('end.confirm'))) return;
      // The server closes the checklist, ends the call and seals the record; the page follows its events.
      void this.send('walk:close', { outcome: choice.value, computed, overrideReason: reason.value.trim() || undefined });
    });
    return h('div', { class: 'close-box' }, computedLine, signOffs, h('div', { class: 'row close-row' }, choice, close), reason, blockers);
  }

  /** Each permit's outcome and its department's sign-off (一业一证: every department signs its own permit). */
  private signOffBox(view: WalkView): HTMLElement {
    return h(
      'div',
      { class: 'signoffs' },
      h('h4', {}, t('signoff.title')),
      h('ul', { class: 'permit-outcomes' }, ...view.outcome.permits.map((p) => this.permitSignOff(view, p))),
    );
  }

  private permitSignOff(view: WalkView, p: PermitOutcomeView): HTMLElement {
    const m = this.opts.member;
    const mine = !this.opts.readOnly && !view.closed && hasRole(m, 'inspector') && m.departments.includes(p.permitType as Member['departments'][number]);
    const blockers = p.signBlockers ?? [];
    let status: HTMLElement;
    if (p.signedBy) {
      status = h('span', { class: 'signed' }, `✓ ${fill('signoff.signedBy', { who: p.signedBy, time: p.signedAt ? beijingTime(p.signedAt) : '—' })}`);
    } else if (mine) {
      status = h('span', { class: 'sign-row' }, h('button', { class: 'primary small sign', disabled: blockers.length > 0, onclick: () => void this.send('walk:sign', { permitType: p.permitType }) }, t('walk.sign')));
    } else {
      status = h('span', { class: 'awaiting muted' }, t('signoff.awaiting'));
    }
    const w = p.withdrawn;
    const withdrawn =
      w && !p.signedBy
        ? h(
            'p',
            { class: 'withdrawn', role: 'status' },
            w.pointKey
              ? fill('signoff.withdrawnPoint', { point: view.points.find((x) => x.key === w.pointKey)?.title ?? w.pointKey })
              : fill('signoff.withdrawnFact', { fact: view.facts.find((f) => f.key === w.fact)?.label ?? w.fact ?? '' }),
            h('span', { class: 'muted' }, aside(fill('signoff.withdrawnBy', { who: w.withdrawnBy, time: beijingTime(w.withdrawnAt) }))),
          )
        : null;
    return h(
      'li',
      { 'data-permit': p.permitType, 'data-signed': p.signedBy ? 'true' : 'false' },
      h('div', { class: 'permit-line' }, h('strong', {}, permitLabel(p.permitType)), labelled('', `${outcomeLabel(p.outcome)}${p.scorePercent !== undefined ? aside(`${p.scorePercent}%`) : ''}`)),
      withdrawn,
      h('div', { class: 'signoff-line' }, status),
      !p.signedBy && mine && blockers.length ? h('p', { class: 'sign-blocker' }, labelled(t('signoff.cannotSign'), blockers[0]!)) : null,
    );
  }
}
