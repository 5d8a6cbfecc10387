import { distanceMetres, type LatLon } from '../../server/geo/distance';
import { distanceVerdict } from '../../server/geo/distanceVerdict';
import { t } from './i18n';
import { beijingTime, fill } from './staff';

// Where the phone was against the registered address, without map tiles: the offices work on a
// government network that cannot reach a tile server, and a map would not say more than metres do.

export interface PlotFix {
  lat: number;
  lon: number;
  accuracyM: number;
  /** Names the point (e.g. "as typed"); unlabelled fixes are the phone's. */
  label?: string;
  /** When the fix was taken (ms); the newest is the one the summary speaks of. */
  at?: number;
}

export interface PositionPlotOptions {
  registered: LatLon;
  /** The distance rule of the current point; drawn as a circle around the address. */
  maxDistanceM?: number;
  fixes: PlotFix[];
  /** Width and height in CSS pixels (default 240). */
  size?: number;
}

const SVG = 'http://www.w3.org/2000/svg';
const M_PER_DEG_LAT = 111_320;
/** Colours by verdict, dark enough to read as text on white (WCAG AA). */
const COLOURS = { pass: '#2e7d32', uncertain: '#8a5100', fail: '#c62828', none: '#1458c9' } as const;
type Tone = keyof typeof COLOURS;

function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: Array<Node | string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** 1, 2 or 5 times a power of ten, the nearest at or above `x`: grid steps and scale bars people can read. */
export function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

/** 48 m, 650 m, 3.5 km, 12 km. */
export function plotDistance(m: number): string {
  if (m < 1000) return `${Math.round(m)} m`;
  const km = m / 1000;
  return `${km >= 10 || Number.isInteger(km) ? Math.round(km) : km.toFixed(1)} km`;
}

/** East and north of `origin`, in metres (a flat frame is exact enough over a few kilometres). */
function offsetMetres(origin: LatLon, p: LatLon): { east: number; north: number } {
  return { east: (p.lon - origin.lon) * M_PER_DEG_LAT * Math.cos((origin.lat * Math.PI) / 180), north: (p.lat - origin.lat) * M_PER_DEG_LAT };
}

/**
 * A square SVG in local metres centred on the registered address: a grid, the rule's circle, each fix
 * with its accuracy circle (the newest emphasised), a scale bar and north. The view zooms to fit the
 * fixes, but never so far out that the rule's circle shrinks to a dot: a fix beyond that is drawn at
 * the edge as an arrow pointing its way, with its distance.
 */
export function positionPlot(opts: PositionPlotOptions): SVGSVGElement {
  const size = opts.size ?? 240;
  const centre = size / 2;
  const pad = Math.max(14, size * 0.08);
  const radiusPx = centre - pad;
  const font = Math.max(10, Math.round(size / 20));
  const limit = opts.maxDistanceM;
  const fixes = opts.fixes.map((f, i) => ({ ...f, i, d: distanceMetres(opts.registered, f), ...offsetMetres(opts.registered, f) }));
  const latest = fixes.reduce<(typeof fixes)[number] | undefined>((a, f) => (!a || (f.at ?? f.i) >= (a.at ?? a.i) ? f : a), undefined);

  // The view: at least the rule's circle with a margin, at most eight times it (5 km without a rule:
  // the new-case form shows a datum offset of several hundred metres). Fixes beyond that do not zoom.
  const base = limit ? limit * 1.3 : 30;
  const cap = limit ? Math.max(limit * 8, 200) : 5000;
  const need = fixes.filter((f) => f.d <= cap).map((f) => (f === latest ? f.d + f.accuracyM : f.d) * 1.1);
  const viewM = Math.min(cap, Math.max(base, ...need));
  const k = radiusPx / viewM;
  const px = (east: number, north: number) => ({ x: centre + east * k, y: centre - north * k });
  const tone = (f: { d: number; accuracyM: number }): Tone => (limit ? distanceVerdict(f.d, f.accuracyM, limit) : 'none');

  const summary = summaryText(latest, limit, fixes.length);
  const svg = s('svg', { xmlns: SVG, viewBox: `0 0 ${size} ${size}`, width: size, height: size, role: 'img', 'aria-label': summary, class: 'geo-plot', 'font-size': font });
  svg.append(s('title', {}, summary));
  const clipId = `geo-plot-clip-${Math.random().toString(36).slice(2, 9)}`;
  svg.append(s('defs', {}, s('clipPath', { id: clipId }, s('rect', { x: 0, y: 0, width: size, height: size, rx: 6 }))));
  svg.append(s('rect', { x: 0.5, y: 0.5, width: size - 1, height: size - 1, rx: 6, class: 'geo-plot-bg' }));

  const body = s('g', { 'clip-path': `url(#${clipId})` });
  svg.append(body);
  const step = niceStep(viewM / 2.5);
  for (let m = -Math.ceil(centre / k / step) * step; m * k <= centre; m += step) {
    body.append(s('line', { x1: centre + m * k, y1: 0, x2: centre + m * k, y2: size, class: m === 0 ? 'geo-plot-axis' : 'geo-plot-grid' }));
    body.append(s('line', { x1: 0, y1: centre + m * k, x2: size, y2: centre + m * k, class: m === 0 ? 'geo-plot-axis' : 'geo-plot-grid' }));
  }
  if (limit) body.append(s('circle', { cx: centre, cy: centre, r: limit * k, class: 'geo-plot-rule' }));

  // Oldest first, so the newest is drawn on top.
  const near = fixes.filter((f) => f.d <= viewM).sort((a, b) => (a.at ?? a.i) - (b.at ?? b.i));
  for (const f of near) {
    const p = px(f.east, f.north);
    const c = COLOURS[tone(f)];
    const isLatest = f === latest;
    const g = s('g', { class: `geo-plot-fix${isLatest ? ' latest' : ''}`, opacity: isLatest || f.label ? 1 : 0.55 });
    g.append(s('title', {}, fixTitle(f)));
    if (f.accuracyM > 0) g.append(s('circle', { cx: p.x, cy: p.y, r: Math.max(f.accuracyM * k, 1), fill: c, 'fill-opacity': 0.1, stroke: c, 'stroke-opacity': 0.6, 'stroke-width': 1 }));
    g.append(s('circle', { cx: p.x, cy: p.y, r: isLatest ? 5 : 3.5, fill: c, stroke: '#fff', 'stroke-width': 1.5 }));
    if (f.label) g.append(label(f.label, p.x, p.y, centre, font, tone(f)));
    body.append(g);
  }

  // The registered address: a cross in a ring, on top of the fixes so it is never hidden.
  body.append(
    s('g', { class: 'geo-plot-registered' }, s('title', {}, t('geo.plot.registered')), s('circle', { cx: centre, cy: centre, r: 6, fill: '#fff', stroke: '#1d2330', 'stroke-width': 2 }), s('path', { d: `M${centre - 3.5} ${centre}h7M${centre} ${centre - 3.5}v7`, stroke: '#1d2330', 'stroke-width': 2 })),
  );

  svg.append(farArrows(fixes.filter((f) => f.d > viewM), latest, size, pad, font, tone));
  svg.append(scaleBar(viewM, k, size, font));
  svg.append(s('text', { x: size - 8, y: font + 4, 'text-anchor': 'end', class: 'geo-plot-text geo-plot-north' }, `↑${t('geo.plot.north')}`));
  return svg;
}

/** Fixes beyond the view, at the edge in their direction; the newest of any that would overlap wins. */
function farArrows(far: Array<{ east: number; north: number; d: number; accuracyM: number; i: number; at?: number; label?: string }>, latest: unknown, size: number, pad: number, font: number, tone: (f: { d: number; accuracyM: number }) => Tone): SVGGElement {
  const g = s('g', { class: 'geo-plot-far' });
  const centre = size / 2;
  const edge = centre - pad * 0.7;
  const placed: Array<{ x: number; y: number }> = [];
  for (const f of [...far].sort((a, b) => (b.at ?? b.i) - (a.at ?? a.i))) {
    const len = Math.hypot(f.east, f.north);
    const ux = f.east / len;
    const uy = -f.north / len;
    // On the square's edge, not a circle: the corners are in view too.
    const scale = edge / Math.max(Math.abs(ux), Math.abs(uy));
    const x = centre + ux * scale;
    const y = centre + uy * scale;
    if (placed.some((p) => Math.hypot(p.x - x, p.y - y) < font * 2.2)) continue;
    placed.push({ x, y });
    const c = COLOURS[tone(f)];
    const angle = (Math.atan2(uy, ux) * 180) / Math.PI;
    const arrow = s('g', { class: `geo-plot-arrow${f === latest ? ' latest' : ''}` });
    arrow.append(s('title', {}, fixTitle(f)));
    arrow.append(s('path', { d: 'M6 0L-5 -5.5L-2 0L-5 5.5Z', fill: c, stroke: '#fff', 'stroke-width': 1, transform: `translate(${x} ${y}) rotate(${angle})` }));
    // The distance sits inward of the arrow, on whichever side keeps it inside the square.
    const tx = x - ux * font * 1.2;
    const ty = y - uy * font * 1.2 + font * 0.35;
    const anchor = ux > 0.35 ? 'end' : ux < -0.35 ? 'start' : 'middle';
    arrow.append(s('text', { x: tx, y: Math.min(size - 4, Math.max(font, ty)), 'text-anchor': anchor, class: `geo-plot-text geo-plot-far-text geo-tone-${tone(f)}` }, f.label ? `${f.label} ${plotDistance(f.d)}` : plotDistance(f.d)));
    g.append(arrow);
  }
  return g;
}

function scaleBar(viewM: number, k: number, size: number, font: number): SVGGElement {
  const metres = niceStep(viewM / 2.2) / (niceStep(viewM / 2.2) * k > size * 0.45 ? 2 : 1);
  const w = metres * k;
  const x = 8;
  const y = size - 8;
  return s(
    'g',
    { class: 'geo-plot-scale' },
    s('rect', { x: x - 3, y: y - font - 8, width: Math.max(w, font * 3) + 6, height: font + 11, rx: 3, class: 'geo-plot-label-bg' }),
    s('path', { d: `M${x} ${y - 5}v5h${w}v-5`, class: 'geo-plot-scale-bar' }),
    s('text', { x, y: y - 7, class: 'geo-plot-text' }, plotDistance(metres)),
  );
}

function label(text: string, x: number, y: number, centre: number, font: number, tone: Tone): SVGTextElement {
  const right = x <= centre;
  return s('text', { x: right ? x + 8 : x - 8, y: y - 6, 'text-anchor': right ? 'start' : 'end', class: `geo-plot-text geo-plot-fix-label geo-tone-${tone}`, 'font-size': font }, text);
}

function fixTitle(f: { d: number; accuracyM: number; label?: string; at?: number }): string {
  const name = f.label ?? (f.at ? beijingTime(f.at, true) : t('geo.plot.fix'));
  return f.accuracyM > 0 ? fill('geo.plot.fixTitle', { name, d: plotDistance(f.d), acc: Math.round(f.accuracyM) }) : fill('geo.plot.fixTitleExact', { name, d: plotDistance(f.d) });
}

function summaryText(latest: { d: number; accuracyM: number; label?: string } | undefined, limit: number | undefined, count: number): string {
  const rule = limit ? fill('geo.plot.summaryRule', { m: limit }) : '';
  if (!latest) return `${t('geo.plot.summaryNone')}${rule}`;
  const name = latest.label ?? t('geo.plot.latestFix');
  const where = latest.accuracyM > 0 ? fill('geo.plot.summaryFix', { name, d: plotDistance(latest.d), acc: Math.round(latest.accuracyM) }) : fill('geo.plot.summaryFixExact', { name, d: plotDistance(latest.d) });
  return `${where}${rule}${count > 1 ? fill('geo.plot.summaryCount', { n: count }) : ''}`;
}
