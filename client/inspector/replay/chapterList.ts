import type { ReplayView } from '../../../server/recording/timeline/ReplayView';
import { h } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { fill, labelled } from '../../shared/staff';
import { resultBadge } from '../case/decidedWalk';
import { clockText } from './replayTime';

export interface ChapterList {
  root: HTMLElement;
  /** Marks the chapter playing at `ms`. */
  setTime(ms: number): void;
}

/**
 * The checklist points in the order they were worked on the recording, each with its result and
 * note beside it: a click jumps to when the point was opened. Points with a result that the
 * recording does not show (closed before it started, say) follow, without a jump.
 */
export function chapterList(v: ReplayView, seek: (ms: number) => void): ChapterList {
  const pointOf = new Map(v.points.map((p) => [p.key, p]));
  const visits = new Map<string, number>();
  const items = v.chapters.map((c) => {
    const n = (visits.get(c.key) ?? 0) + 1;
    visits.set(c.key, n);
    const p = pointOf.get(c.key);
    const start = Math.max(0, c.startMs);
    const jump = h(
      'button',
      { type: 'button', class: 'chapter-jump', 'data-key': c.key, 'data-start-ms': String(start), 'aria-label': fill('replay.chapter.jump', { at: clockText(start), title: c.title }), onclick: () => seek(start) },
      h('time', { class: 'chapter-time' }, clockText(start)),
      h('span', { class: 'chapter-title' }, c.title, n > 1 ? h('span', { class: 'muted' }, ` · ${fill('replay.chapter.visit', { n })}`) : null),
    );
    const result = p?.answeredMs !== undefined && p.answeredMs >= c.startMs && p.answeredMs <= c.endMs + 1;
    const li = h(
      'li',
      { class: `chapter result-${p?.result ?? 'none'}`, 'data-key': c.key },
      h('div', { class: 'chapter-head' }, jump, p?.critical ? h('span', { class: 'badge danger' }, t('walk.critical')) : null, p?.result ? resultBadge(p.result) : h('span', { class: 'muted small-text' }, t('replay.noResult'))),
      p?.note && n === 1 ? h('p', { class: 'chapter-note' }, labelled(t('decided.note'), p.note)) : null,
      result && p?.answeredMs !== undefined
        ? h('button', { type: 'button', class: 'link chapter-result-at', onclick: () => seek(Math.max(0, p.answeredMs!)) }, fill('replay.chapter.result', { at: clockText(p.answeredMs) }))
        : null,
    );
    return { c, li };
  });
  const seen = new Set(v.chapters.map((c) => c.key));
  const unvisited = v.points.filter((p) => p.applies && p.result && !seen.has(p.key));
  const root = h(
    'div',
    { class: 'chapters' },
    h('p', { class: 'muted small-text' }, v.chapters.length ? t('replay.chapters.hint') : t('replay.chapters.none')),
    h('ol', { class: 'chapter-list' }, ...items.map((i) => i.li)),
    unvisited.length
      ? h(
          'section',
          { class: 'unvisited' },
          h('h4', {}, t('replay.notVisited')),
          h(
            'ul',
            { class: 'chapter-list' },
            ...unvisited.map((p) =>
              h(
                'li',
                { class: `chapter result-${p.result}`, 'data-key': p.key },
                h('div', { class: 'chapter-head' }, h('span', { class: 'chapter-title' }, p.title), resultBadge(p.result)),
                p.note ? h('p', { class: 'chapter-note' }, labelled(t('decided.note'), p.note)) : null,
              ),
            ),
          ),
        )
      : null,
  );
  let active: HTMLElement | undefined;
  return {
    root,
    setTime(ms) {
      // The last chapter that started at or before the playhead (chapters may be a few ms long).
      const now = [...items].reverse().find((i) => Math.max(0, i.c.startMs) <= ms && ms < i.c.endMs + 1)?.li;
      if (now === active) return;
      active?.removeAttribute('aria-current');
      active?.classList.remove('playing');
      active = now;
      active?.setAttribute('aria-current', 'true');
      active?.classList.add('playing');
    },
  };
}
