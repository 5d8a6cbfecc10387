// One coordinate as a clerk types or pastes it. Only decimal degrees are accepted, but what else
// people paste is recognised, so the refusal can say what it is and what to type instead:
// 39°55'44"N, 39 55 44, 39度55分44秒, the compact 395544 that a number field used to keep silently,
// and a latitude-longitude pair pasted into one field. Pure: the form previews with it too.

export type Axis = 'lat' | 'lon';

export type CoordinateReading =
  | { kind: 'empty' }
  | { kind: 'decimal'; value: number }
  /** Degrees with minutes (and seconds); `suggestion` is the decimal value when the parts make sense. */
  | { kind: 'dms'; suggestion?: number }
  /** Two numbers in one field (a map app's copied "116.41642,39.92893"). */
  | { kind: 'pair'; first: number; second: number }
  | { kind: 'unreadable' };

export const AXIS_LIMIT: Readonly<Record<Axis, number>> = { lat: 90, lon: 180 };

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const NUMBER_PART = /^\d+(?:\.\d+)?$/;
const PAIR = /^([+-]?\d+(?:\.\d+)?)\s*[,;、]\s*([+-]?\d+(?:\.\d+)?)$/;
const DMS_MARKS = /[°'"′″’‘“”]|度|分|秒/;
const DMS_SPLIT = /\s*(?:[°:'"′″’‘“”]|度|分|秒)\s*|\s+/;
/** Hemisphere letters and their Chinese names, before or after the number; S and W are negative. */
const HEMISPHERE = /^(北纬|南纬|东经|西经|[NSEW])\s*|\s*(北纬|南纬|东经|西经|[NSEW])$/i;

/** Compact degrees-minutes(-seconds) written as one integer, by digit count: [degree digits, seconds?]. */
const COMPACT: Readonly<Record<Axis, Readonly<Record<number, readonly [number, boolean]>>>> = {
  lat: { 4: [2, false], 6: [2, true] },
  lon: { 4: [2, false], 5: [3, false], 6: [2, true], 7: [3, true] },
};

/** Six decimals: about 0.1 m, finer than any phone fix. */
export const roundDegrees = (v: number): number => Math.round(v * 1e6) / 1e6;

export function readCoordinate(raw: unknown, axis: Axis): CoordinateReading {
  if (typeof raw === 'number') return Number.isFinite(raw) ? fromNumber(raw, String(Math.abs(raw)), axis) : { kind: 'unreadable' };
  if (raw === undefined || raw === null) return { kind: 'empty' };
  // Nobody types a coordinate that long; what is pasted beyond it is not worth reading.
  if (typeof raw !== 'string' || raw.length > 100) return { kind: 'unreadable' };
  // Full-width digits and punctuation from a Chinese input method become ASCII; º and ˚ would become "o".
  let s = raw.replace(/[º˚]/g, '°').normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (!s) return { kind: 'empty' };
  let sign = 1;
  const hemi = HEMISPHERE.exec(s);
  if (hemi) {
    const h = (hemi[1] ?? hemi[2] ?? '').toUpperCase();
    if (h === 'S' || h === 'W' || h === '南纬' || h === '西经') sign = -1;
    s = s.replace(HEMISPHERE, '').trim();
  }
  if (DECIMAL.test(s)) return fromNumber(sign * Number(s), s.replace(/^[+-]/, ''), axis);
  const pair = PAIR.exec(s);
  if (pair) return { kind: 'pair', first: Number(pair[1]), second: Number(pair[2]) };
  const negative = s.startsWith('-');
  const parts = s.replace(/^[+-]/, '').split(DMS_SPLIT).filter(Boolean);
  const numeric = parts.every((p) => NUMBER_PART.test(p));
  // "116.41642 39.92893": degrees with a fraction are never followed by minutes.
  if (numeric && parts.length === 2 && !DMS_MARKS.test(s) && parts[0]!.includes('.')) return { kind: 'pair', first: (negative ? -1 : 1) * Number(parts[0]), second: Number(parts[1]) };
  if (numeric && (parts.length === 2 || parts.length === 3)) {
    const [d, m, sec = 0] = parts.map(Number) as [number, number, number?];
    return { kind: 'dms', suggestion: dmsValue(negative ? -sign : sign, d, m, sec, axis) };
  }
  return DMS_MARKS.test(s) ? { kind: 'dms' } : { kind: 'unreadable' };
}

/**
 * A number in range is decimal degrees. One out of range with 4 to 7 integer digits is read as
 * compact DMS when its minutes and seconds make sense; otherwise it stays an out-of-range number
 * (the point check may then see latitude and longitude swapped).
 */
function fromNumber(value: number, digits: string, axis: Axis): CoordinateReading {
  if (Math.abs(value) <= AXIS_LIMIT[axis]) return { kind: 'decimal', value };
  const [int = '', frac] = digits.split('.');
  const layout = COMPACT[axis][int.length];
  if (layout && /^\d+$/.test(int)) {
    const [dd, withSeconds] = layout;
    const d = Number(int.slice(0, dd));
    const m = Number(int.slice(dd, dd + 2));
    const sec = withSeconds ? Number(`${int.slice(dd + 2)}${frac ? `.${frac}` : ''}`) : 0;
    const minutes = withSeconds ? m : Number(`${int.slice(dd)}${frac ? `.${frac}` : ''}`);
    const suggestion = dmsValue(Math.sign(value), d, minutes, sec, axis);
    if (suggestion !== undefined) return { kind: 'dms', suggestion };
  }
  return { kind: 'decimal', value };
}

function dmsValue(sign: number, d: number, m: number, s: number, axis: Axis): number | undefined {
  if (!Number.isInteger(d) || m >= 60 || s >= 60 || (s > 0 && !Number.isInteger(m))) return undefined;
  const v = d + m / 60 + s / 3600;
  return v <= AXIS_LIMIT[axis] ? roundDegrees(sign * v) : undefined;
}
