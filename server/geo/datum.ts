import type { LatLon } from './distance';

// The coordinate systems of Chinese map apps. A phone's GPS reports WGS-84; maps published in China
// must use GCJ-02 (高德, 腾讯, and Google's China map), a deliberately distorted WGS-84 whose offset is
// a few hundred metres; 百度 adds its own BD-09 on top of GCJ-02. The GCJ-02 forward transform is not
// published officially but is the well-known reconstruction on the Krasovsky ellipsoid used by every
// open implementation (eviltransform, coordtransform); BD-09 is Baidu's own rotation-and-shift.
// Everything here is pure: the page previews with the same functions the server stores with.

export const DATUM_SYSTEMS = ['wgs84', 'gcj02', 'bd09'] as const;
export type DatumSystem = (typeof DATUM_SYSTEMS)[number];

/** Krasovsky 1940 semi-major axis and first eccentricity squared, as the GCJ-02 transform uses them. */
const A = 6378245.0;
const EE = 0.00669342162296594323;
const PI = Math.PI;
/** BD-09's constant: its offset oscillates with period 1/3000 of a degree's π. */
const X_PI = (PI * 3000.0) / 180.0;

/**
 * Whether GCJ-02 applies: the rectangle lon 72.004–137.8347, lat 0.8293–55.8271 that the public
 * implementations and the map providers' own SDKs use. It is a box, not the border: it also covers
 * the Korean peninsula, Mongolia and parts of South-East Asia. The box is what the offsets follow in
 * practice (a Chinese map app offsets everything inside it), so conversions agree with the apps; the
 * address check uses the same box, because refusing a real address near the border would block the
 * office's work, while a wrong point near the border is caught by the distance rule on the day.
 */
export function insideChina(p: LatLon): boolean {
  return p.lon >= 72.004 && p.lon <= 137.8347 && p.lat >= 0.8293 && p.lat <= 55.8271;
}

function shiftLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * PI) + 40.0 * Math.sin((y / 3.0) * PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * PI) + 320.0 * Math.sin((y * PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function shiftLon(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * PI) + 40.0 * Math.sin((x / 3.0) * PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * PI) + 300.0 * Math.sin((x / 30.0) * PI)) * 2.0) / 3.0;
  return r;
}

/** The GCJ-02 offset at a WGS-84 point, in degrees. */
function gcjOffset(p: LatLon): LatLon {
  const x = p.lon - 105.0;
  const y = p.lat - 35.0;
  const radLat = (p.lat / 180.0) * PI;
  const sin = Math.sin(radLat);
  const magic = 1 - EE * sin * sin;
  const sqrtMagic = Math.sqrt(magic);
  return {
    lat: (shiftLat(x, y) * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * PI),
    lon: (shiftLon(x, y) * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * PI),
  };
}

export function wgs84ToGcj02(p: LatLon): LatLon {
  if (!insideChina(p)) return { lat: p.lat, lon: p.lon };
  const d = gcjOffset(p);
  return { lat: p.lat + d.lat, lon: p.lon + d.lon };
}

/**
 * The inverse has no closed form; the offset changes slowly (metres per kilometre), so fixed-point
 * iteration on the forward transform converges in a few steps to well under a millimetre. The
 * one-step inverse many libraries use is off by up to a few metres.
 */
export function gcj02ToWgs84(p: LatLon): LatLon {
  if (!insideChina(p)) return { lat: p.lat, lon: p.lon };
  return invert(wgs84ToGcj02, p, { lat: p.lat, lon: p.lon }, 30);
}

export function gcj02ToBd09(p: LatLon): LatLon {
  const z = Math.sqrt(p.lon * p.lon + p.lat * p.lat) + 0.00002 * Math.sin(p.lat * X_PI);
  const theta = Math.atan2(p.lat, p.lon) + 0.000003 * Math.cos(p.lon * X_PI);
  return { lat: z * Math.sin(theta) + 0.006, lon: z * Math.cos(theta) + 0.0065 };
}

/** Baidu's published inverse, then refined on the forward transform (alone it is off by up to about 20 cm). */
export function bd09ToGcj02(p: LatLon): LatLon {
  const x = p.lon - 0.0065;
  const y = p.lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
  return invert(gcj02ToBd09, p, { lat: z * Math.sin(theta), lon: z * Math.cos(theta) }, 10);
}

/**
 * Inverts a transform that only shifts points slightly: step the guess back by how far its image
 * misses the target until it misses by less than 1e-10 degrees (far under a millimetre).
 */
function invert(forward: (p: LatLon) => LatLon, target: LatLon, start: LatLon, maxSteps: number): LatLon {
  let guess = start;
  for (let i = 0; i < maxSteps; i++) {
    const image = forward(guess);
    const dLat = image.lat - target.lat;
    const dLon = image.lon - target.lon;
    guess = { lat: guess.lat - dLat, lon: guess.lon - dLon };
    if (Math.abs(dLat) < 1e-10 && Math.abs(dLon) < 1e-10) break;
  }
  return guess;
}

/** A point read in `system`, as WGS-84 (what the phone's fixes and every distance check use). */
export function toWgs84(system: DatumSystem, p: LatLon): LatLon {
  switch (system) {
    case 'wgs84':
      return { lat: p.lat, lon: p.lon };
    case 'gcj02':
      return gcj02ToWgs84(p);
    case 'bd09':
      return gcj02ToWgs84(bd09ToGcj02(p));
  }
}

/** A WGS-84 point as `system` shows it. */
export function fromWgs84(system: DatumSystem, p: LatLon): LatLon {
  switch (system) {
    case 'wgs84':
      return { lat: p.lat, lon: p.lon };
    case 'gcj02':
      return wgs84ToGcj02(p);
    case 'bd09':
      return gcj02ToBd09(wgs84ToGcj02(p));
  }
}
