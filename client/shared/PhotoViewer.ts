import type { EvidenceItem } from '../../server/evidence/EvidenceItem';
import { api } from './api';
import { h } from './dom';
import { t, type MessageKey } from './i18n';
import { aside, beijingTime, fill, labelled, listOf } from './staff';

/** One photo to show: the evidence id is enough; the rest says what it is of and what is doubtful about it. */
export interface PhotoItem {
  /** Evidence id of the photo (its original; a stamped copy's id works too). */
  id: string;
  /** What the photo is of, e.g. the checklist point's title. */
  title?: string;
  /** A line under the title. */
  caption?: string;
  /** The image shown; the stamped copy by default. */
  src?: string;
  /** A small version (callers' thumbnails; the viewer itself does not need it). */
  thumb?: string;
  /** The distance rule's verdict, where the photo came from, and doubts (gallery EXIF): as the walk reports them. */
  distance?: 'pass' | 'fail' | 'uncertain';
  source?: 'photo' | 'frame' | 'gallery';
  flags?: string[];
}

export interface PhotoViewerOptions {
  /** Called once the viewer has closed and focus is back where it was. */
  onClose?: () => void;
}

export interface PhotoViewerHandle {
  close(): void;
  show(index: number): void;
}

/** What GET /api/evidence/:id/record answers. */
interface EvidenceRecordView {
  evidence: Pick<EvidenceItem, 'id' | 'grade' | 'sha256' | 'mediaType' | 'bytes' | 'serverTime' | 'checked' | 'capturedBy'> & { claimed: EvidenceItem['claimed'] & { deviceTime?: number } };
  stamped: { id: string; sha256: string; bytes: number } | null;
  capturedByName?: string;
}

const records = new Map<string, Promise<EvidenceRecordView>>();
const recordOf = (id: string): Promise<EvidenceRecordView> => {
  let p = records.get(id);
  if (!p) {
    p = api<EvidenceRecordView>('GET', `/api/evidence/${encodeURIComponent(id)}/record`);
    records.set(id, p);
    // A failed load is asked again next time.
    p.catch(() => records.delete(id));
  }
  return p;
};

let openViewer: PhotoViewerHandle | undefined;

/**
 * Shows photos full size in a modal dialog, one at a time: the stamped image fitted to the screen (or
 * 1:1, or the untouched original in a new tab), the record the server keeps of it, and previous / next.
 * Esc closes it; the arrow keys move between photos; focus stays inside until it closes and then goes
 * back to where it was.
 */
export function openPhotoViewer(items: readonly PhotoItem[], startIndex = 0, opts: PhotoViewerOptions = {}): PhotoViewerHandle {
  openViewer?.close();
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  let index = Math.min(Math.max(0, startIndex), Math.max(0, items.length - 1));

  const title = h('h2', { class: 'pv-title', id: 'pv-title' });
  const caption = h('p', { class: 'pv-caption', id: 'pv-caption' });
  const count = h('span', { class: 'pv-count', 'aria-live': 'polite' });
  const image = h('img', { class: 'pv-image', alt: '' });
  // At 1:1 the stage scrolls, so it takes focus then (keyboard scrolling); fitted, it is no stop.
  const stage = h('div', { class: 'pv-stage', 'data-fit': 'screen', role: 'region', 'aria-label': t('viewer.stage') }, image);
  const actual = h('button', { type: 'button', class: 'pv-actual', 'aria-pressed': 'false', onclick: () => setActual(stage.dataset.fit === 'screen') }, t('viewer.actualSize'));
  const original = h('a', { class: 'button pv-original', target: '_blank', rel: 'noopener' }, t('viewer.original'));
  const prev = h('button', { type: 'button', class: 'pv-prev', onclick: () => show(index - 1) }, `‹ ${t('viewer.prev')}`);
  const next = h('button', { type: 'button', class: 'pv-next', onclick: () => show(index + 1) }, `${t('viewer.next')} ›`);
  const closeBtn = h('button', { type: 'button', class: 'pv-close', onclick: () => close() }, `${t('viewer.close')} ×`);
  const record = h('div', { class: 'pv-record-body' });
  const dialog = h(
    'dialog',
    { class: 'photo-viewer', 'aria-labelledby': 'pv-title', 'aria-describedby': 'pv-caption' },
    h('header', { class: 'pv-head' }, h('div', { class: 'pv-heading' }, title, caption), h('div', { class: 'pv-tools' }, actual, original, closeBtn)),
    h(
      'div',
      { class: 'pv-body' },
      h('div', { class: 'pv-view' }, stage, h('nav', { class: 'pv-nav', 'aria-label': t('viewer.navLabel') }, prev, count, next)),
      h('section', { class: 'pv-record', 'aria-labelledby': 'pv-record-title' }, h('h3', { id: 'pv-record-title' }, t('viewer.record')), record),
    ),
  );

  function setActual(on: boolean): void {
    stage.dataset.fit = on ? 'actual' : 'screen';
    if (on) stage.tabIndex = 0;
    else stage.removeAttribute('tabindex');
    actual.setAttribute('aria-pressed', String(on));
    actual.textContent = on ? t('viewer.fitScreen') : t('viewer.actualSize');
  }

  function show(i: number): void {
    if (!items.length) return;
    index = (i + items.length) % items.length;
    const item = items[index]!;
    title.textContent = item.title ?? t('viewer.photo');
    caption.textContent = item.caption ?? '';
    caption.hidden = !item.caption;
    count.textContent = fill('viewer.count', { i: index + 1, n: items.length });
    image.alt = fill('viewer.imageAlt', { title: item.title ?? t('viewer.photo'), i: index + 1, n: items.length });
    image.src = item.src ?? `/api/evidence/${encodeURIComponent(item.id)}/stamped`;
    original.href = `/api/evidence/${encodeURIComponent(item.id)}`;
    prev.disabled = next.disabled = items.length < 2;
    dialog.dataset.evidenceId = item.id;
    setActual(false);
    stage.scrollTo?.(0, 0);
    record.replaceChildren(h('p', { class: 'muted' }, t('viewer.loading')));
    record.removeAttribute('data-loaded');
    recordOf(item.id).then(
      (r) => {
        if (items[index] !== item) return;
        record.replaceChildren(...recordFields(item, r));
        record.dataset.loaded = 'true';
      },
      (err: Error) => {
        if (items[index] !== item) return;
        record.replaceChildren(h('p', { class: 'pv-error', role: 'alert' }, labelled(t('viewer.recordFailed'), err.message)), ...verdictChips(item, undefined));
      },
    );
  }

  function onKey(e: KeyboardEvent): void {
    // In a 1:1 image that has focus, the arrows scroll it; elsewhere they turn the page.
    if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && !(e.target === stage && stage.dataset.fit === 'actual')) {
      e.preventDefault();
      show(index + (e.key === 'ArrowLeft' ? -1 : 1));
    } else if (e.key === 'Tab') {
      // showModal keeps focus in the page's top layer; this also keeps it from leaving for the browser's toolbar.
      const focusable = Array.from(dialog.querySelectorAll<HTMLElement>('button:not(:disabled), a[href], [tabindex="0"]'));
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!first || !last) return;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  let closed = false;
  function close(): void {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    if (openViewer === handle) openViewer = undefined;
    returnTo?.focus();
    opts.onClose?.();
  }

  dialog.addEventListener('keydown', onKey);
  // Esc: the browser cancels the dialog; closing it the same way as the button keeps one path.
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    close();
  });
  // A click on the dimmed backdrop (outside the dialog's box) closes it too.
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) close();
  });
  document.body.append(dialog);
  dialog.showModal();
  show(index);
  closeBtn.focus();
  const handle: PhotoViewerHandle = { close, show };
  openViewer = handle;
  return handle;
}

/** The distance verdict, the source and the doubts, as coloured words (never colour alone). */
function verdictChips(item: PhotoItem, r: EvidenceRecordView | undefined): HTMLElement[] {
  const c = r?.evidence.checked;
  const distance = c?.distance ?? item.distance;
  const source = c?.source ?? item.source ?? (r?.evidence.grade === 'frame' ? 'frame' : undefined);
  const flags = c?.flags ?? item.flags ?? [];
  const chips = [
    distance ? h('span', { class: `pv-chip verdict-${distance}` }, t(`viewer.verdict.${distance}` as MessageKey)) : null,
    source ? h('span', { class: `pv-chip source-${source}` }, t(`viewer.source.${source}` as MessageKey)) : null,
    ...flags.map((f) => h('span', { class: 'pv-chip flag' }, t(`photo.flag.${f}` as MessageKey) ?? f)),
  ].filter((x): x is HTMLSpanElement => x !== null);
  return chips.length ? [h('p', { class: 'pv-chips' }, ...chips)] : [];
}

const metres = (m: number) => `${m < 10 ? m.toFixed(1) : Math.round(m)} m`;
const seconds = (ms: number) => {
  const s = Math.round(Math.abs(ms) / 1000);
  return s < 120 ? fill('viewer.seconds', { n: s }) : fill('viewer.minutes', { n: Math.round(s / 60) });
};

/** The record the server keeps of the photo, field by field. */
function recordFields(item: PhotoItem, r: EvidenceRecordView): HTMLElement[] {
  const e = r.evidence;
  const c = e.checked;
  const fix = e.claimed.lat !== undefined && e.claimed.lon !== undefined ? e.claimed : undefined;
  const row = (key: MessageKey, value: Node | string, cls = '') => [h('dt', {}, t(key)), h('dd', { class: cls }, value)];
  const name = r.capturedByName && r.capturedByName !== e.capturedBy ? `${r.capturedByName}${aside(e.capturedBy)}` : e.capturedBy;
  const who = e.capturedBy === 'applicant' ? t('viewer.byApplicant') : name;
  const fixAge =
    c.fixAgeMs === undefined ? null : c.fixStale ? fill('viewer.fixStale', { age: seconds(c.fixAgeMs) }) : fill('viewer.fixAge', { age: seconds(c.fixAgeMs) });
  return [
    ...verdictChips(item, r),
    h(
      'dl',
      { class: 'pv-fields' },
      ...row('viewer.serverTime', beijingTime(e.serverTime, true), 'pv-server-time'),
      ...row('viewer.source', t(`viewer.source.${c.source ?? (e.grade === 'frame' ? 'frame' : 'photo')}` as MessageKey), 'pv-source'),
      ...row('viewer.capturedBy', who, 'pv-captured-by'),
      ...row(
        'viewer.fix',
        fix ? `${fix.lat!.toFixed(6)}, ${fix.lon!.toFixed(6)}${fix.accuracyM !== undefined ? ` ± ${metres(fix.accuracyM)}` : ''}` : t('viewer.noFix'),
        'pv-fix',
      ),
      ...(fixAge ? row('viewer.fixTime', fixAge, c.fixStale ? 'pv-fix-age stale' : 'pv-fix-age') : []),
      ...row('viewer.distance', c.distanceM !== undefined ? metres(c.distanceM) : t('viewer.unknown'), 'pv-distance'),
      ...(c.limitM !== undefined
        ? row('viewer.rule', fill('viewer.ruleText', { limit: metres(c.limitM), verdict: t(`viewer.verdict.${c.distance ?? 'uncertain'}` as MessageKey) }), `pv-rule verdict-text-${c.distance ?? 'uncertain'}`)
        : []),
      ...row('viewer.flags', c.flags?.length ? listOf(c.flags.map((f) => t(`photo.flag.${f}` as MessageKey) ?? f)) : t('viewer.none'), 'pv-flags'),
      ...(c.clockSkewMs !== undefined && Math.abs(c.clockSkewMs) >= 2000 ? row('viewer.clockSkew', seconds(c.clockSkewMs)) : []),
      ...(c.challenge
        ? row('viewer.challenge', h('span', {}, h('strong', { class: 'challenge-code' }, c.challenge.code), ` · ${fill('viewer.challengeTimes', { issued: beijingTime(c.challenge.issuedAt, true), arrived: beijingTime(c.challenge.arrivedAt, true) })}`), 'pv-challenge')
        : []),
      ...row('viewer.originalHash', h('code', {}, e.sha256), 'pv-hash pv-original-hash'),
      ...row('viewer.stampedHash', r.stamped ? h('code', {}, r.stamped.sha256) : t('viewer.none'), 'pv-hash pv-stamped-hash'),
      ...row('viewer.file', `${e.mediaType} · ${(e.bytes / 1024 / 1024).toFixed(2)} MB`),
    ),
  ];
}
