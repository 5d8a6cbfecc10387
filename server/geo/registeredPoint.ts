import { readCoordinate, roundDegrees, AXIS_LIMIT, type Axis } from './coordinateText';
import { insideChina, toWgs84, type DatumSystem } from './datum';
import type { LatLon } from './distance';

// Whether the coordinates typed for a registered address can be the address: every address in this
// product is in China, so 0,0, a point abroad and swapped latitude and longitude are mistakes, and
// the clerk is told which one before the case exists. Pure: the form checks as the clerk types, and
// the server checks again with the same rules.

export type PointProblem =
  | { kind: 'required'; axis: Axis }
  | { kind: 'dms'; axis: Axis; typed: string; suggestion?: number }
  | { kind: 'pair'; axis: Axis; typed: string }
  | { kind: 'unreadable'; axis: Axis; typed: string }
  | { kind: 'range'; axis: Axis; value: number }
  | { kind: 'zero' }
  | { kind: 'swapped'; lat: number; lon: number }
  | { kind: 'outsideChina'; lat: number; lon: number };

export type PointCheck =
  | { ok: true; system: DatumSystem; original: LatLon; wgs84: LatLon }
  | { ok: false; problems: PointProblem[] };

/** What the clerk typed, short enough to quote in a message. */
const quote = (raw: unknown): string => {
  const s = String(raw).trim();
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
};

/** The typed latitude and longitude (text or numbers) in `system`, checked, and the point as WGS-84. */
export function checkRegisteredPoint(system: DatumSystem, raw: { lat?: unknown; lon?: unknown }): PointCheck {
  const problems: PointProblem[] = [];
  const values: Partial<Record<Axis, number>> = {};
  for (const axis of ['lat', 'lon'] as const) {
    const r = readCoordinate(raw[axis], axis);
    if (r.kind === 'decimal') values[axis] = r.value;
    else if (r.kind === 'empty') problems.push({ kind: 'required', axis });
    else if (r.kind === 'dms') problems.push({ kind: 'dms', axis, typed: quote(raw[axis]), suggestion: r.suggestion });
    else problems.push({ kind: r.kind, axis, typed: quote(raw[axis]) });
  }
  const { lat, lon } = values;
  if (lat === undefined || lon === undefined) {
    // A lone number out of range is still worth saying while the other field is being fixed.
    for (const axis of ['lat', 'lon'] as const) {
      const v = values[axis];
      if (v !== undefined && Math.abs(v) > AXIS_LIMIT[axis]) problems.push({ kind: 'range', axis, value: v });
    }
    return { ok: false, problems };
  }
  const pointProblem = problemOf(lat, lon);
  if (pointProblem) return { ok: false, problems: pointProblem };
  const original = { lat, lon };
  const w = toWgs84(system, original);
  return { ok: true, system, original, wgs84: { lat: roundDegrees(w.lat), lon: roundDegrees(w.lon) } };
}

function problemOf(lat: number, lon: number): PointProblem[] | undefined {
  if (lat === 0 && lon === 0) return [{ kind: 'zero' }];
  const inRange = Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  if (inRange && insideChina({ lat, lon })) return undefined;
  // Chinese longitudes (73-135) are always larger than its latitudes (4-54): swapped shows at once.
  if (insideChina({ lat: lon, lon: lat })) return [{ kind: 'swapped', lat, lon }];
  if (!inRange) {
    const out: PointProblem[] = [];
    if (Math.abs(lat) > 90) out.push({ kind: 'range', axis: 'lat', value: lat });
    if (Math.abs(lon) > 180) out.push({ kind: 'range', axis: 'lon', value: lon });
    return out;
  }
  return [{ kind: 'outsideChina', lat, lon }];
}
