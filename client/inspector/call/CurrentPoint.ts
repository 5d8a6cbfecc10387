import type { CaptureChallenge, CaptureProgress, PointVideoStatus } from '../../../server/protocol/signaling';
import type { WalkPointView } from '../../../server/protocol/walk';
import { clauseSources } from '../../shared/clauseSources';
import { h } from '../../shared/dom';
import { permitLabel, t } from '../../shared/i18n';
import { beijingTime, fill, labelled, listOf } from '../../shared/staff';
import { resultLabel } from '../labels';
import { captureChip } from './captureChip';
import { reuseNotices } from './reuseNotices';
import { thumbStrip } from './thumbs';

export interface CurrentPointOptions {
  /** Where the point stands among the applicable ones; null for a point that does not apply. */
  step: { index: number; total: number } | null;
  /** Nothing can change: a watching supervisor, or a closed checklist. */
  locked: boolean;
  /** The note being typed before a re-render, kept when the point stays the same. */
  noteDraft?: string;
  /** Photo requests for this point not yet in. */
  inFlight: CaptureProgress[];
  /** On a challenge point: the code issued with the latest photo request, to compare with the photo. */
  challenge?: CaptureChallenge;
  hasPrev: boolean;
  hasNext: boolean;
  onResult(result: string, note: string | undefined): void;
  onNote(note: string): void;
  onAskPhoto(): void;
  onCapture(button: HTMLButtonElement): void;
  onStep(dir: 1 | -1): void;
  /** The open point's recorded-video count, as the server last sent it. */
  video?: PointVideoStatus | null;
  /** Starts or stops recording this point as its own video evidence; absent: no such control. */
  onRecord?(record: boolean): void;
  /** Counts a photo flagged as reused anyway, with the inspector's reason; resolves true when the server took it. */
  onAcceptReuse?(evidenceId: string, reason: string): Promise<boolean>;
}

/** The server's count when it is about this point. */
function videoOf(p: WalkPointView, v: PointVideoStatus | null | undefined): PointVideoStatus | undefined {
  return v?.pointKey === p.key ? v : undefined;
}

/**
 * The recorded-time line: "● 正在录制本项 12 秒" while the inspector records the point, else for a
 * point whose video rule is not met yet "已连续录像 9/15 秒" (the phone's continuous recorded time on
 * it). Null when there is nothing to count. Redrawn in place every second by the checklist.
 */
export function videoLine(p: WalkPointView, status: PointVideoStatus | null | undefined): string | null {
  const v = videoOf(p, status);
  if (v?.marked) return fill('call.video.recording', { n: v.marked.seconds });
  const need = p.evidence.minVideoSeconds;
  if (!need || (v ? v.met : !p.evidenceGap)) return null;
  const line = fill('call.video.count', { n: Math.min(v?.seconds ?? 0, need), m: need });
  return v && !v.counting ? `${line} · ${t('call.video.waiting')}` : line;
}

/**
 * Video is evidence: its count and the "record this point" switch sit with the evidence rule, so
 * the row of actions below keeps its length.
 */
function videoRow(p: WalkPointView, o: CurrentPointOptions, counted: string | null): HTMLElement | null {
  const recording = recordingPoint(p, o.video);
  const record =
    o.onRecord && !o.locked
      ? h(
          'button',
          { type: 'button', class: 'link record-point', 'aria-pressed': String(recording), title: t('call.video.recordHint'), onclick: () => o.onRecord?.(!recording) },
          recording ? t('call.video.stop') : t('call.video.record'),
        )
      : null;
  if (counted === null && !record) return null;
  // A timer's text changes every second: it is not announced (role timer is not live by default).
  const count = counted !== null ? h('span', { class: `cp-video${recording ? ' recording' : ''}`, role: 'timer' }, counted) : null;
  return h('span', { class: 'cp-video-row' }, count, count && record ? ' · ' : null, record);
}

/** The evidence status and the video count / record control share one line: the card's height is what the tabs below live on. */
function statusLine(status: HTMLElement | null, video: HTMLElement | null): HTMLElement | null {
  if (!status && !video) return null;
  return h('p', { class: 'cp-status' }, status, status && video ? ' · ' : null, video);
}

/** Whether the inspector is recording this point now. */
export function recordingPoint(p: WalkPointView, status: PointVideoStatus | null | undefined): boolean {
  return !!videoOf(p, status)?.marked;
}

/** The evidence rule in words: 照片 ≥ 1、距登记地址 50 m. */
function ruleText(p: WalkPointView): string {
  return listOf(
    [
      p.evidence.minPhotos ? `${t('walk.photos')} ≥ ${p.evidence.minPhotos}` : '',
      p.evidence.maxDistanceM ? `${t('walk.within')} ${p.evidence.maxDistanceM} m` : '',
      p.evidence.minVideoSeconds ? `${t('walk.video')} ≥ ${p.evidence.minVideoSeconds} s` : '',
    ].filter(Boolean),
  );
}

/**
 * The point being inspected, pinned above the panels: what to check (scrolling inside itself when
 * long), what the phone shows, the evidence rule and what is still missing, the photos, one-click
 * results, the note, the photo request and previous / next. Results, note and actions never move
 * out of view: only the text part shrinks.
 */
export function currentPointCard(p: WalkPointView, o: CurrentPointOptions): HTMLElement {
  const rule = ruleText(p);
  // Results that settle a point without evidence (not applicable, on-site check) leave no gap to close.
  const gap = p.evidenceGap && p.result !== 'not_applicable' && p.result !== 'onsite_required' ? p.evidenceGap : undefined;
  const status = gap
    ? h('span', { class: 'gap' }, gap)
    : rule
      ? h('span', { class: 'evidence-ok' }, `✓ ${t('call.point.evidenceOk')}`)
      : null;
  const head = h(
    'header',
    { class: 'cp-head' },
    h(
      'p',
      { class: 'cp-step' },
      o.step ? fill('call.point.step', { i: o.step.index, n: o.step.total }) : t('call.point.extra'),
      p.result ? h('span', { class: `result-chip result-${p.result}` }, fill('call.point.recorded', { result: resultLabel(p.result) })) : null,
    ),
    h('h3', { id: 'current-point-title', tabindex: '-1' }, p.title, p.required ? h('span', { class: 'badge' }, t('walk.required')) : null, p.critical ? h('span', { class: 'badge danger' }, t('walk.critical')) : null),
  );
  const text = h(
    'div',
    { class: 'cp-text', tabindex: '0', 'aria-label': t('call.point.guidanceLabel') },
    h('p', { class: 'guidance' }, p.guidance),
    h('p', { class: 'phone-prompt' }, labelled(t('walk.phoneSees'), p.prompt)),
    clauseSources(p.sources, 'sources muted'),
  );
  const counted = videoLine(p, o.video);
  const evidence = h(
    'div',
    { class: 'cp-evidence' },
    h('p', { class: 'rule' }, rule ? `${labelled(t('walk.evidenceRule'), rule)} · ${t('walk.have')} ${p.evidenceCount}` : t('call.point.noRule')),
    statusLine(status, videoRow(p, o, counted)),
    o.challenge ? challengeLine(o.challenge) : null,
    p.photos.length || o.inFlight.length ? thumbStrip(p, 3, o.inFlight.map(captureChip)) : null,
    reuseNotices(p, { locked: o.locked || !o.onAcceptReuse, onAccept: (id, reason) => o.onAcceptReuse?.(id, reason) ?? Promise.resolve(false) }),
  );
  const parts: Array<HTMLElement | null> = [head, text, evidence];
  if (o.locked) {
    parts.push(h('p', { class: 'result-readonly' }, labelled(t('console.result'), ''), h('strong', {}, p.result ? resultLabel(p.result) : '—'), p.note ? ` · ${p.note}` : ''));
  } else {
    const note = h('textarea', { class: 'note', rows: 2, placeholder: t('walk.notePlaceholder'), 'aria-label': t('call.point.noteLabel') });
    note.value = o.noteDraft ?? p.note ?? '';
    // A note typed after the result was chosen is saved when the field is left.
    note.addEventListener('blur', () => {
      const v = note.value.trim();
      if (p.result && v && v !== (p.note ?? '')) o.onNote(v);
    });
    const results = h(
      'div',
      { class: 'results', role: 'group', 'aria-label': t('call.point.resultsLabel') },
      ...p.results.map((r) =>
        h(
          'button',
          {
            type: 'button',
            class: `result result-${r}${p.result === r ? ' chosen' : ''}`,
            'data-result': r,
            'aria-pressed': String(p.result === r),
            onclick: () => o.onResult(r, note.value.trim() || undefined),
          },
          p.result === r ? `✓ ${resultLabel(r)}` : resultLabel(r),
        ),
      ),
    );
    const capture = h('button', { type: 'button', class: 'capture', title: t('capture.frameGrade') }, t('call.point.grab'));
    capture.addEventListener('click', () => o.onCapture(capture));

    // Once the point is answered and its evidence is in, moving on is the next thing to do.
    const done = !!p.result && !gap;
    parts.push(
      results,
      note,
      h(
        'div',
        { class: 'cp-actions' },
        h('button', { type: 'button', class: 'primary ask-photo', title: t('capture.ask'), onclick: () => o.onAskPhoto() }, t('call.point.ask')),
        capture,
        h('span', { class: 'spacer' }),
        h('button', { type: 'button', class: 'prev', disabled: !o.hasPrev, onclick: () => o.onStep(-1) }, `‹ ${t('call.point.prev')}`),
        h('button', { type: 'button', class: `next${done ? ' primary' : ''}`, disabled: !o.hasNext, onclick: () => o.onStep(1) }, `${t('call.point.next')} ›`),
      ),
    );
  }
  return h('section', { class: `card current-point${o.locked ? ' locked' : ''}`, 'data-key': p.key, 'aria-labelledby': 'current-point-title' }, ...parts);
}

/**
 * A challenge point's code, large, next to the photos it must appear in: the inspector compares the
 * code written in the picture with this one (the record keeps it with its issue and arrival times).
 */
function challengeLine(c: CaptureChallenge): HTMLElement {
  return h(
    'p',
    { class: 'challenge-line', 'data-code': c.code },
    `${t('call.challenge.code')} `,
    h('strong', { class: 'challenge-code' }, c.code),
    ` · ${fill('call.challenge.issued', { time: beijingTime(c.issuedAt, true) })}`,
    h('span', { class: 'challenge-hint' }, t('call.challenge.hint')),
  );
}
