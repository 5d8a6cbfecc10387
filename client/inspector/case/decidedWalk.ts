import { clauseSources } from '../../shared/clauseSources';
import type { SessionTransition } from '../../../server/inspection/SessionTransition';
import type { WalkPointView, WalkView } from '../../../server/protocol/walk';
import { h } from '../../shared/dom';
import { permitLabel, t, type MessageKey } from '../../shared/i18n';
import { openPhotoViewer, type PhotoItem } from '../../shared/PhotoViewer';
import { aside, beijingTime, fill, labelled, listOf } from '../../shared/staff';
import { outcomeLabel, resultLabel } from '../labels';

// What a checklist decided, read-only: the closing decision, each permit's result and sign-off, and
// each point's result with its note and photos. The case page shows it per session; the review page
// shows the whole checklist.

/** Usernames as the office reads them: 王芳（food.wang）. */
export type NameOf = (username: string) => string;

export const nameLookup =
  (names: Record<string, string>): NameOf =>
  (u) =>
    names[u] && names[u] !== u ? `${names[u]}${aside(u)}` : u;

/** Results in the order a reader weighs them. */
const RESULT_ORDER = ['fail', 'needs_rectification', 'onsite_required', 'pass', 'not_applicable'];

export const resultBadge = (result: string | undefined): HTMLElement =>
  h('span', { class: `result-badge result-${result ?? 'none'}`, 'data-result': result ?? 'none' }, result ? resultLabel(result) : t('decided.noResult'));

export const outcomeBadge = (outcome: string): HTMLElement => h('span', { class: `outcome-badge outcome-${outcome}`, 'data-outcome': outcome }, outcomeLabel(outcome));

/** How many points got each result: 不合格 2 · 需整改 1 · 合格 12. */
export function resultCounts(walk: WalkView): HTMLElement {
  const counts = new Map<string, number>();
  for (const p of walk.points) if (p.applies && p.result) counts.set(p.result, (counts.get(p.result) ?? 0) + 1);
  const open = walk.points.filter((p) => p.applies && p.required && !p.result).length;
  return h(
    'span',
    { class: 'result-counts' },
    ...RESULT_ORDER.filter((r) => counts.has(r)).map((r) => h('span', { class: `count result-text-${r}`, 'data-result': r }, `${resultLabel(r)} ${counts.get(r)}`)),
    open ? h('span', { class: 'count muted' }, fill('decided.openCount', { n: open })) : null,
  );
}

/** The closing decision: outcome, what the system computed, the reason for an override, the deadline, and who closed it when. */
export function closedBox(walk: WalkView, transitions: readonly SessionTransition[], nameOf: NameOf): HTMLElement | null {
  const c = walk.closed;
  if (!c) return null;
  const closing = [...transitions].reverse().find((tr) => tr.trigger === 'walk_closed');
  const overridden = c.outcome !== c.computed;
  return h(
    'dl',
    { class: `decided-outcome outcome-box-${c.outcome}` },
    h('dt', {}, t('decided.outcome')),
    h('dd', { class: 'dv-outcome' }, outcomeBadge(c.outcome), overridden ? h('span', { class: 'overridden' }, t('decided.overridden')) : null),
    h('dt', {}, t('decided.computed')),
    h('dd', { class: 'dv-computed' }, outcomeLabel(c.computed)),
    ...(c.overrideReason ? [h('dt', {}, t('decided.overrideReason')), h('dd', { class: 'dv-override-reason' }, c.overrideReason)] : []),
    ...(c.rectificationDeadline ? [h('dt', {}, t('decided.deadline')), h('dd', { class: 'dv-deadline' }, beijingTime(c.rectificationDeadline))] : []),
    ...(closing ? [h('dt', {}, t('decided.closedBy')), h('dd', { class: 'dv-closed-by' }, `${nameOf(closing.actor.replace(/^staff:/, ''))} · ${beijingTime(closing.at)}`)] : []),
  );
}

/** Each permit: its computed result (and score), and its department's sign-off or the one taken back. */
export function permitTable(walk: WalkView, nameOf: NameOf): HTMLElement {
  const titleOf = (permit: string) => walk.pins.find((p) => p.permitType === permit)?.title ?? permitLabel(permit);
  const pointTitle = (key: string) => walk.points.find((p) => p.key === key)?.title ?? key;
  const factLabel = (key: string) => walk.facts.find((f) => f.key === key)?.label ?? key;
  return h(
    'table',
    { class: 'permit-results' },
    h('caption', {}, t('decided.permits')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('case.permits')), h('th', { scope: 'col' }, t('decided.permitOutcome')), h('th', { scope: 'col' }, t('decided.signOff')))),
    h(
      'tbody',
      {},
      ...walk.outcome.permits.map((p) =>
        h(
          'tr',
          { 'data-permit': p.permitType },
          h('th', { scope: 'row' }, titleOf(p.permitType)),
          h('td', { class: 'permit-outcome' }, outcomeBadge(p.outcome), p.scorePercent !== undefined ? h('span', { class: 'muted' }, ` ${fill('decided.score', { n: Math.round(p.scorePercent) })}`) : null),
          h(
            'td',
            { class: `signoff ${p.signedBy ? 'signed' : 'unsigned'}` },
            p.signedBy && p.signedAt
              ? fill('signoff.signedBy', { who: nameOf(p.signedBy), time: beijingTime(p.signedAt) })
              : p.withdrawn
                ? h(
                    'span',
                    { class: 'withdrawn' },
                    p.withdrawn.pointKey ? fill('signoff.withdrawnPoint', { point: pointTitle(p.withdrawn.pointKey) }) : fill('signoff.withdrawnFact', { fact: factLabel(p.withdrawn.fact ?? '') }),
                    ` · ${fill('signoff.withdrawnBy', { who: nameOf(p.withdrawn.withdrawnBy), time: beijingTime(p.withdrawn.withdrawnAt) })}`,
                  )
                : h('span', { class: 'muted' }, t('decided.notSigned')),
          ),
        ),
      ),
    ),
  );
}

/** The business facts as answered (they decided which points applied). */
export function factsList(walk: WalkView): HTMLElement | null {
  if (!walk.facts.length) return null;
  const valueOf = (f: WalkView['facts'][number]) => {
    if (f.value === undefined) return t('decided.unanswered');
    if (typeof f.value === 'boolean') return f.value ? t('walk.yes') : t('walk.no');
    const label = f.options?.find((o) => o.value === f.value)?.label ?? String(f.value);
    return f.unit ? `${label} ${f.unit}` : label;
  };
  return h('dl', { class: 'decided-facts' }, ...walk.facts.flatMap((f) => [h('dt', {}, f.label), h('dd', { 'data-fact': f.key }, valueOf(f))]));
}

export interface PointListOptions {
  /** Every point (not applicable, unanswered, with guidance and clause), not only those with a result. */
  whole: boolean;
  /** The session's own number, for the photo viewer's captions. */
  sessionTitle: string;
}

/**
 * The points' results: colour and word together, the note under it, and the photos as thumbnails
 * that open the photo viewer (previous / next run through the whole session's photos).
 */
export function pointList(walk: WalkView, opts: PointListOptions): HTMLElement {
  const shown = opts.whole ? walk.points : walk.points.filter((p) => p.result || p.note || p.photos.length);
  const items: PhotoItem[] = [];
  const firstIndex = new Map<WalkPointView, number>();
  for (const p of walk.points) {
    firstIndex.set(p, items.length);
    p.photos.forEach((ph, i) =>
      items.push({
        id: ph.id,
        title: p.title,
        caption: [opts.sessionTitle, p.result ? labelled(t('console.result'), resultLabel(p.result)) : null, fill('decided.photoOf', { i: i + 1, n: p.photos.length })].filter(Boolean).join(' · '),
        distance: ph.distance,
        source: ph.source,
        flags: ph.flags,
      }),
    );
  }
  if (!shown.length) return h('p', { class: 'muted point-results-empty' }, t('decided.noResults'));
  return h(
    'ol',
    { class: `point-results${opts.whole ? ' whole' : ''}` },
    ...shown.map((p) =>
      h(
        'li',
        { class: `point-result result-${p.result ?? 'none'}${p.applies ? '' : ' not-applying'}`, 'data-key': p.key, 'data-result': p.result ?? 'none' },
        h(
          'div',
          { class: 'point-result-head' },
          h('span', { class: 'point-title' }, p.title),
          p.critical ? h('span', { class: 'badge danger' }, t('walk.critical')) : null,
          !p.applies ? h('span', { class: 'badge muted-badge' }, t('decided.doesNotApply')) : resultBadge(p.result),
          p.answeredAt ? h('time', { class: 'muted answered-at' }, beijingTime(p.answeredAt)) : null,
        ),
        p.note ? h('p', { class: 'point-note' }, labelled(t('decided.note'), p.note)) : null,
        opts.whole ? h('p', { class: 'point-guidance muted' }, p.guidance) : null,
        opts.whole && p.sources.length
          ? clauseSources(p.sources, 'point-sources muted')
          : null,
        opts.whole && p.applies && p.evidenceGap && !walk.closed ? h('p', { class: 'point-gap' }, labelled(t('decided.evidenceGap'), p.evidenceGap)) : null,
        p.photos.length
          ? h(
              'div',
              { class: 'case-thumbs' },
              ...p.photos.map((ph, i) => {
                const at = firstIndex.get(p)! + i;
                return h(
                  'button',
                  {
                    type: 'button',
                    class: `case-thumb distance-${ph.distance ?? 'none'}${ph.flags.length ? ' flagged' : ''}`,
                    'data-evidence-id': ph.id,
                    onclick: () => openPhotoViewer(items, at),
                  },
                  h('img', { src: `/api/evidence/${encodeURIComponent(ph.id)}/stamped?w=320`, alt: fill('decided.openPhoto', { title: p.title, i: i + 1 }), loading: 'lazy', width: 160, height: 120 }),
                  thumbLabel(ph),
                );
              }),
            )
          : null,
      ),
    ),
  );
}

/** What is doubtful about a photo, in words under its thumbnail: too far, uncertain, a frame, a gallery photo, EXIF flags. */
function thumbLabel(ph: WalkPointView['photos'][number]): HTMLElement | null {
  const words = [
    ph.distance && ph.distance !== 'pass' ? t(`viewer.verdict.${ph.distance}` as MessageKey) : null,
    ph.source !== 'photo' ? t(`viewer.source.${ph.source}` as MessageKey) : null,
    ...ph.flags.map((f) => t(`photo.flag.${f}` as MessageKey)),
  ].filter((w): w is string => !!w);
  return words.length ? h('span', { class: `thumb-note${ph.distance === 'fail' || ph.flags.length ? ' bad' : ''}` }, listOf(words)) : null;
}
