import type { ReplayView } from '../../../server/recording/timeline/ReplayView';
import { h } from '../../shared/dom';
import { t, type MessageKey } from '../../shared/i18n';
import type { PhotoItem } from '../../shared/PhotoViewer';
import { fill, listOf } from '../../shared/staff';
import { clockText } from './replayTime';

/** The session's photos for the photo viewer, in time order, each saying where it is on the recording. */
export function photoItems(v: ReplayView): PhotoItem[] {
  return v.photos.map((p) => ({
    id: p.id,
    title: p.pointTitle,
    caption: [p.offsetMs >= 0 ? fill('replay.photo.at', { at: clockText(p.offsetMs) }) : t('replay.photo.beforeRecording'), t(`viewer.source.${p.source}` as MessageKey)].join(' · '),
    distance: p.distance,
    source: p.source,
    flags: p.flags,
  }));
}

/** The photos as thumbnails with their time: a click opens the photo (and moves the playhead to it). */
export function photoStrip(v: ReplayView, open: (index: number) => void): HTMLElement {
  if (!v.photos.length) return h('p', { class: 'muted' }, t('replay.photos.none'));
  return h(
    'ol',
    { class: 'replay-photos' },
    ...v.photos.map((p, i) => {
      const at = p.offsetMs >= 0 ? clockText(p.offsetMs) : t('replay.photo.beforeRecording');
      const doubts = [p.distance && p.distance !== 'pass' ? t(`viewer.verdict.${p.distance}` as MessageKey) : null, ...p.flags.map((f) => t(`photo.flag.${f}` as MessageKey))].filter((x): x is string => !!x);
      return h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: `replay-photo distance-${p.distance ?? 'none'}`, 'data-evidence-id': p.id, 'aria-label': fill('replay.photo.open', { title: p.pointTitle, at }), onclick: () => open(i) },
          h('img', { src: `/api/evidence/${encodeURIComponent(p.id)}/stamped?w=320`, alt: '', loading: 'lazy', width: 160, height: 120 }),
          h('span', { class: 'replay-photo-text' }, h('time', {}, at), ' ', p.pointTitle),
          doubts.length ? h('span', { class: 'thumb-note bad' }, listOf(doubts)) : null,
        ),
      );
    }),
  );
}
