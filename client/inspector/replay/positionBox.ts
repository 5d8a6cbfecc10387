import type { ReplayView } from '../../../server/recording/timeline/ReplayView';
import { h } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { positionPlot } from '../../shared/positionPlot';
import { fill } from '../../shared/staff';

export interface PositionBox {
  root: HTMLElement;
  /** Draws the fixes up to `ms` on the session clock (redrawn only when that set changes). */
  setTime(ms: number): void;
}

/** The phone's GPS trace against the registered address (an offline plot), up to the playback position. */
export function positionBox(v: ReplayView): PositionBox {
  const plot = h('div', { class: 'replay-plot' });
  const root = h(
    'div',
    { class: 'replay-position' },
    h('p', { class: 'small-text' }, fill('replay.position.address', { text: v.registered.text })),
    plot,
    h('p', { class: 'muted small-text' }, v.trace.length ? fill('replay.position.count', { n: v.trace.length }) : t('replay.position.none')),
  );
  let shown = -1;
  const draw = (count: number) => {
    if (count === shown) return;
    shown = count;
    plot.replaceChildren(
      positionPlot({
        registered: v.registered,
        maxDistanceM: v.maxDistanceM,
        fixes: v.trace.slice(0, count).map((f) => ({ lat: f.lat, lon: f.lon, accuracyM: f.accuracyM, at: f.at })),
        size: 260,
      }),
    );
  };
  draw(v.trace.length);
  return {
    root,
    setTime(ms) {
      const upTo = v.trace.filter((f) => f.offsetMs <= ms).length;
      // Before the first fix the whole trace shows: an empty plot would say less than the trace.
      draw(upTo || v.trace.length);
    },
  };
}
