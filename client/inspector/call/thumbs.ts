import type { WalkPointView } from '../../../server/protocol/walk';
import { h } from '../../shared/dom';
import { t, type MessageKey } from '../../shared/i18n';
import { openPhotoViewer, type PhotoItem } from '../../shared/PhotoViewer';
import { fill, listOf } from '../../shared/staff';
import { reuseText } from './reuseNotices';

type Photo = WalkPointView['photos'][number];

const flagText = (ph: Photo) => listOf(ph.flags.map((f) => t(`photo.flag.${f}` as MessageKey)));
/** The thumbnail's tooltip: its doubts, and what it repeats. */
const titleOf = (ph: Photo, index: number) => listOf([flagText(ph), ph.reuse ? reuseText(index, ph.reuse) : ''].filter(Boolean));

/** Opens the point's photos in the shared viewer, at the one clicked. */
function view(p: WalkPointView, index: number): void {
  const items: PhotoItem[] = p.photos.map((ph) => ({
    id: ph.id,
    title: p.title,
    src: `/api/evidence/${ph.id}/stamped`,
    thumb: `/api/evidence/${ph.id}/stamped?w=240`,
    distance: ph.distance,
    source: ph.source,
    flags: ph.flags,
  }));
  openPhotoViewer(items, index);
}

/**
 * The point's photos, newest last, at most `max` shown (the rest behind a "n more" button): each
 * says where it came from and what is doubtful about it, and opens the photo viewer.
 */
export function thumbStrip(p: WalkPointView, max: number, extra: HTMLElement[] = []): HTMLElement {
  // With more photos than room, the last place goes to the button that opens them all.
  const first = p.photos.length > max ? p.photos.length - (max - 1) : 0;
  const shown = p.photos.slice(first);
  return h(
    'div',
    { class: 'thumbs' },
    first > 0 ? h('button', { type: 'button', class: 'more-photos', 'aria-label': fill('call.point.morePhotosLabel', { n: p.photos.length }), onclick: () => view(p, 0) }, fill('call.point.morePhotos', { n: first })) : null,
    ...shown.map((ph, i) =>
      h(
        'button',
        {
          type: 'button',
          class: `thumb distance-${ph.distance ?? 'none'} source-${ph.source}${ph.flags.length ? ' flagged' : ''}${ph.reuse && !ph.reuse.accepted ? ' reused' : ''}`,
          'data-evidence-id': ph.id,
          title: titleOf(ph, first + i + 1),
          onclick: () => view(p, first + i),
        },
        h('img', { src: `/api/evidence/${ph.id}/stamped?w=240`, alt: fill('call.point.openPhoto', { i: first + i + 1 }), loading: 'lazy' }),
        ph.source !== 'photo' ? h('span', { class: 'source' }, t(`photo.source.${ph.source}` as MessageKey)) : null,
        ph.distance && ph.distance !== 'pass' ? h('span', { class: 'verdict' }, t(`distance.${ph.distance}` as MessageKey)) : null,
        ph.flags.length ? h('span', { class: 'flags' }, flagText(ph)) : null,
        ph.reuse && !ph.reuse.accepted ? h('span', { class: 'reuse-badge' }, t('call.reuse.badge')) : null,
      ),
    ),
    ...extra,
  );
}
