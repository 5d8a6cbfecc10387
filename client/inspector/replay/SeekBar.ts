import type { ThumbnailCue } from '../../../server/recording/timeline/thumbnailTrack';
import { h } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { fill } from '../../shared/staff';
import { clockText } from './replayTime';

export interface SeekMarks {
  /** Where each checklist point's chapter starts (decorative ticks; the chapter list is the way to them). */
  chapters: Array<{ ms: number; label: string; result?: string }>;
  /** Photos: buttons above the bar that open the photo. */
  photos: Array<{ ms: number; label: string }>;
  /** Stretches without the phone (presence) or without a recording. */
  gaps: Array<{ fromMs: number; toMs: number; kind: 'presence' | 'recording'; label: string }>;
  thumbnails: ThumbnailCue[];
}

const SMALL_STEP_MS = 5000;
const BIG_STEP_MS = 30_000;

/**
 * The session-wide seek bar: a slider over the whole session's clock (pointer or keyboard), with
 * the chapters' starts, the gaps (phone away, no recording) and the photos marked on it, and the
 * recording's thumbnail under the pointer. Positions are set through the CSSOM (the pages' CSP
 * allows no style attributes).
 */
export class SeekBar {
  readonly root: HTMLElement;
  private readonly track: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly head: HTMLElement;
  private readonly preview: HTMLElement;
  private readonly previewTime: HTMLElement;
  private readonly previewImage: HTMLElement;
  private dragging = false;
  private positionMs = 0;

  constructor(
    private readonly durationMs: number,
    private readonly marks: SeekMarks,
    private readonly onSeek: (ms: number) => void,
    onPhoto: (index: number) => void,
  ) {
    const pct = (ms: number) => `${(Math.max(0, Math.min(ms, durationMs)) / Math.max(1, durationMs)) * 100}%`;
    const place = <E extends HTMLElement>(el: E, fromMs: number, toMs?: number): E => {
      el.style.left = pct(fromMs);
      if (toMs !== undefined) el.style.width = `calc(${pct(toMs)} - ${pct(fromMs)})`;
      return el;
    };

    this.progress = h('div', { class: 'seek-progress' });
    this.head = h('div', { class: 'seek-head' });
    const gaps = marks.gaps.map((g) => place(h('div', { class: `seek-gap seek-gap-${g.kind}`, title: g.label }), g.fromMs, g.toMs));
    const ticks = marks.chapters.map((c) => place(h('div', { class: `seek-chapter result-${c.result ?? 'none'}`, title: c.label }), c.ms));
    this.track = h(
      'div',
      {
        class: 'seek-track',
        role: 'slider',
        tabindex: 0,
        'aria-label': t('replay.seek'),
        'aria-valuemin': '0',
        'aria-valuemax': String(Math.round(durationMs / 1000)),
      },
      ...gaps,
      this.progress,
      ...ticks,
      this.head,
    );
    // Photos taken moments apart (a photo and a frame grab of the same thing) share one mark that
    // opens the first of them; the viewer's previous / next reach the others. Apart they could not be clicked.
    const near = Math.max(800, durationMs * 0.015);
    const groups: Array<{ ms: number; indexes: number[]; labels: string[] }> = [];
    marks.photos.forEach((p, i) => {
      const last = groups.at(-1);
      if (last && p.ms - last.ms < near) {
        last.indexes.push(i);
        last.labels.push(p.label);
      } else groups.push({ ms: p.ms, indexes: [i], labels: [p.label] });
    });
    const photos = h(
      'div',
      { class: 'seek-photos' },
      ...groups.map((g) =>
        place(
          h(
            'button',
            { type: 'button', class: `photo-mark${g.indexes.length > 1 ? ' several' : ''}`, 'data-index': String(g.indexes[0]), 'data-indexes': g.indexes.join(' '), 'aria-label': g.labels.join('；'), title: g.labels.join('\n'), onclick: () => onPhoto(g.indexes[0]!) },
            g.indexes.length > 1 ? String(g.indexes.length) : '',
          ),
          g.ms,
        ),
      ),
    );
    this.previewImage = h('div', { class: 'seek-preview-image' });
    this.previewTime = h('span', { class: 'seek-preview-time' });
    this.preview = h('div', { class: 'seek-preview', 'aria-hidden': 'true', hidden: true }, this.previewImage, this.previewTime);
    const legend = h(
      'p',
      { class: 'seek-legend', 'aria-label': t('replay.legend') },
      h('span', { class: 'key key-chapter' }, t('replay.legend.chapter')),
      h('span', { class: 'key key-photo' }, t('replay.legend.photo')),
      marks.gaps.some((g) => g.kind === 'presence') ? h('span', { class: 'key key-presence' }, t('replay.legend.presence')) : null,
      marks.gaps.some((g) => g.kind === 'recording') ? h('span', { class: 'key key-recording' }, t('replay.legend.recording')) : null,
    );
    this.root = h('div', { class: 'seekbar' }, photos, h('div', { class: 'seek-rail' }, this.track, this.preview), legend);
    this.wire();
    this.position = 0;
  }

  /** Shows the playhead at `ms` (unless the reviewer is dragging it). */
  set position(ms: number) {
    this.positionMs = ms;
    if (this.dragging) return;
    this.draw(ms);
  }

  private draw(ms: number): void {
    const p = `${(Math.max(0, Math.min(ms, this.durationMs)) / Math.max(1, this.durationMs)) * 100}%`;
    this.progress.style.width = p;
    this.head.style.left = p;
    this.track.setAttribute('aria-valuenow', String(Math.round(Math.max(0, ms) / 1000)));
    this.track.setAttribute('aria-valuetext', fill('replay.seekValue', { at: clockText(ms), total: clockText(this.durationMs) }));
  }

  private msAt(clientX: number): number {
    const r = this.track.getBoundingClientRect();
    return Math.round(Math.max(0, Math.min(1, (clientX - r.left) / Math.max(1, r.width))) * this.durationMs);
  }

  private showPreview(ms: number): void {
    const r = this.track.getBoundingClientRect();
    this.preview.hidden = false;
    this.preview.style.left = `${Math.max(0, Math.min(r.width, ((ms / Math.max(1, this.durationMs)) * r.width)))}px`;
    this.previewTime.textContent = clockText(ms);
    const cue = this.marks.thumbnails.find((c) => ms >= c.startMs && ms < c.endMs);
    this.previewImage.hidden = !cue;
    if (cue) {
      this.previewImage.style.backgroundImage = `url("${cue.url.split('#')[0]}")`;
      this.previewImage.style.backgroundPosition = `-${cue.x}px -${cue.y}px`;
      this.previewImage.style.width = `${cue.w}px`;
      this.previewImage.style.height = `${cue.h}px`;
    }
  }

  private wire(): void {
    const track = this.track;
    track.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      this.dragging = true;
      track.setPointerCapture?.(e.pointerId);
      this.draw(this.msAt(e.clientX));
      this.showPreview(this.msAt(e.clientX));
      track.focus();
      e.preventDefault();
    });
    track.addEventListener('pointermove', (e) => {
      const ms = this.msAt(e.clientX);
      if (this.dragging) this.draw(ms);
      if (e.pointerType !== 'touch' || this.dragging) this.showPreview(ms);
    });
    const release = (e: PointerEvent, seek: boolean) => {
      if (!this.dragging) return;
      this.dragging = false;
      this.preview.hidden = true;
      if (seek) this.onSeek(this.msAt(e.clientX));
      else this.draw(this.positionMs);
    };
    track.addEventListener('pointerup', (e) => release(e, true));
    track.addEventListener('pointercancel', (e) => release(e, false));
    track.addEventListener('pointerleave', () => {
      if (!this.dragging) this.preview.hidden = true;
    });
    track.addEventListener('keydown', (e) => {
      const step: Record<string, number> = { ArrowLeft: -SMALL_STEP_MS, ArrowDown: -SMALL_STEP_MS, ArrowRight: SMALL_STEP_MS, ArrowUp: SMALL_STEP_MS, PageDown: -BIG_STEP_MS, PageUp: BIG_STEP_MS };
      let to: number | undefined;
      if (e.key in step) to = this.positionMs + step[e.key]!;
      else if (e.key === 'Home') to = 0;
      else if (e.key === 'End') to = this.durationMs;
      if (to === undefined) return;
      e.preventDefault();
      this.onSeek(Math.max(0, Math.min(this.durationMs, to)));
    });
  }
}
