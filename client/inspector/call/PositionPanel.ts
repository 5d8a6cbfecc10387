import type { PositionUpdate } from '../../../server/protocol/signaling';
import { h } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { positionPlot } from '../../shared/positionPlot';
import { fill } from '../../shared/staff';
import { formatAge, formatDistance } from './format';

/** Enough of a trace to see the phone walk around the shop; older fixes fall off. */
const MAX_FIXES = 300;

/**
 * Where the phone is: the last fix in numbers, and every fix received during this call on a small
 * plot against the registered address and the current point's distance rule.
 */
export class PositionPanel {
  private readonly box = h('dl', { class: 'position', 'data-has-fix': 'false' }, h('dt', {}, t('pos.title')), h('dd', {}, t('pos.none')));
  private readonly plot = h('figure', { class: 'position-plot' });
  private readonly rule = h('p', { class: 'muted position-rule' });
  private readonly count = h('p', { class: 'muted position-count' });
  readonly root = h('div', { class: 'position-panel' }, this.plot, h('div', { class: 'position-numbers' }, this.box, this.rule, this.count));
  private readonly fixes: Array<PositionUpdate & { receivedAt: number }> = [];
  private registered: { text: string; lat: number; lon: number } | undefined;
  private limitM: number | undefined;

  get latest(): (PositionUpdate & { receivedAt: number }) | undefined {
    return this.fixes[this.fixes.length - 1];
  }

  setRegistered(address: { text: string; lat: number; lon: number }): void {
    this.registered = address;
    this.drawPlot();
  }

  /** A fix from the server; the same fix sent again (after a rejoin) is not a new point on the plot. */
  addFix(p: PositionUpdate): void {
    const last = this.latest;
    if (last && last.fixTime === p.fixTime && last.lat === p.lat && last.lon === p.lon) return;
    this.fixes.push({ ...p, receivedAt: Date.now() });
    if (this.fixes.length > MAX_FIXES) this.fixes.splice(0, this.fixes.length - MAX_FIXES);
    this.renderNumbers();
    this.drawPlot();
  }

  setLimit(m: number | undefined): void {
    if (m === this.limitM) return;
    this.limitM = m;
    this.rule.textContent = m === undefined ? '' : fill('call.pos.rule', { m });
    this.drawPlot();
  }

  /** The numbers, with the fix's age: called every second. */
  renderNumbers(): void {
    const p = this.latest;
    if (!p) return;
    const age = (Math.max(0, p.serverTime - p.fixTime) + Math.max(0, Date.now() - p.receivedAt)) / 1000;
    this.box.dataset.hasFix = 'true';
    this.box.replaceChildren(
      h('dt', {}, t('pos.distance')),
      h('dd', { class: 'distance', 'data-metres': String(p.distanceM) }, formatDistance(p.distanceM)),
      h('dt', {}, t('pos.accuracy')),
      h('dd', { class: 'accuracy' }, `±${Math.round(p.accuracyM)} m`),
      h('dt', {}, t('pos.age')),
      h('dd', { class: 'age' }, fill('call.age.ago', { age: formatAge(age) })),
      h('dt', {}, t('call.pos.latlon')),
      h('dd', { class: 'latlon' }, `${p.lat.toFixed(6)}, ${p.lon.toFixed(6)}`),
    );
  }

  private drawPlot(): void {
    if (!this.registered) return;
    const svg = positionPlot({
      registered: { lat: this.registered.lat, lon: this.registered.lon },
      maxDistanceM: this.limitM,
      fixes: this.fixes.map((f) => ({ lat: f.lat, lon: f.lon, accuracyM: f.accuracyM, at: f.fixTime })),
      size: 150,
    });
    this.plot.replaceChildren(svg);
    this.count.textContent = fill('call.pos.fixes', { n: this.fixes.length });
  }
}
