import { bd09ToGcj02, fromWgs84, gcj02ToBd09, gcj02ToWgs84, insideChina, toWgs84, wgs84ToGcj02 } from '../../../server/geo/datum';
import { distanceMetres, type LatLon } from '../../../server/geo/distance';

// Published reference pairs:
// - WGS-84 -> GCJ-02: the test table of googollee/eviltransform (go/transform_test.go), three cities,
//   checked there to 5 decimals (about 1 m).
// - GCJ-02 <-> BD-09 and WGS-84 -> GCJ-02 at (39.915, 116.404): wandergis/coordtransform's README and
//   test/app.js "result" block, the values every port of that library asserts (e.g. coordtransform-rs).
const EVILTRANSFORM: Array<{ city: string; wgs: LatLon; gcj: LatLon }> = [
  { city: 'Shanghai', wgs: { lat: 31.1774276, lon: 121.5272106 }, gcj: { lat: 31.17530398364597, lon: 121.531541859215 } },
  { city: 'Shenzhen', wgs: { lat: 22.543847, lon: 113.912316 }, gcj: { lat: 22.540796131694766, lon: 113.9171764808363 } },
  { city: 'Beijing', wgs: { lat: 39.911954, lon: 116.377817 }, gcj: { lat: 39.91334545536069, lon: 116.38404722455657 } },
];
const COORDTRANSFORM_INPUT = { lat: 39.915, lon: 116.404 };
const COORDTRANSFORM = {
  wgs84togcj02: { lat: 39.91640428150164, lon: 116.41024449916938 },
  gcj02tobd09: { lat: 39.92133699351021, lon: 116.41036949371029 },
  bd09togcj02: { lat: 39.90865673957631, lon: 116.39762729119315 },
};

/** Points spread over China, from Hainan to Heilongjiang, Xinjiang to the coast. */
function chinaSample(n: number): LatLon[] {
  const out: LatLon[] = [];
  for (let i = 0; i < n; i++) out.push({ lat: 18.3 + ((i * 7919) % 1000) / 1000 * 35, lon: 75.1 + ((i * 104729) % 1000) / 1000 * 59 });
  return out;
}

describe('GCJ-02 and BD-09 against published reference points', () => {
  it.each(EVILTRANSFORM)('WGS-84 -> GCJ-02 in $city matches eviltransform to 1e-9 degrees', ({ wgs, gcj }) => {
    const got = wgs84ToGcj02(wgs);
    expect(got.lat).toBeCloseTo(gcj.lat, 9);
    expect(got.lon).toBeCloseTo(gcj.lon, 9);
  });

  it.each(EVILTRANSFORM)('GCJ-02 -> WGS-84 in $city comes back within 0.5 m of the published WGS-84 point', ({ wgs, gcj }) => {
    expect(distanceMetres(gcj02ToWgs84(gcj), wgs)).toBeLessThan(0.5);
  });

  it('matches coordtransform’s published results at (39.915, 116.404)', () => {
    const w = wgs84ToGcj02(COORDTRANSFORM_INPUT);
    expect(w.lat).toBeCloseTo(COORDTRANSFORM.wgs84togcj02.lat, 9);
    expect(w.lon).toBeCloseTo(COORDTRANSFORM.wgs84togcj02.lon, 9);
    const b = gcj02ToBd09(COORDTRANSFORM_INPUT);
    expect(b.lat).toBeCloseTo(COORDTRANSFORM.gcj02tobd09.lat, 9);
    expect(b.lon).toBeCloseTo(COORDTRANSFORM.gcj02tobd09.lon, 9);
    // coordtransform's inverse is the one-step approximation; ours is refined, so it agrees to centimetres.
    expect(distanceMetres(bd09ToGcj02(COORDTRANSFORM_INPUT), COORDTRANSFORM.bd09togcj02)).toBeLessThan(0.1);
  });
});

describe('round trips', () => {
  const sample = chinaSample(2000);

  it('WGS -> GCJ -> WGS returns within 0.5 m (in fact well under a millimetre) everywhere in China', () => {
    const worst = Math.max(...sample.map((p) => distanceMetres(gcj02ToWgs84(wgs84ToGcj02(p)), p)));
    expect(worst).toBeLessThan(0.001);
  });

  it('GCJ -> BD -> GCJ returns within 0.5 m (in fact under a millimetre)', () => {
    const worst = Math.max(...sample.map((p) => distanceMetres(bd09ToGcj02(gcj02ToBd09(p)), p)));
    expect(worst).toBeLessThan(0.001);
  });

  it('toWgs84 undoes fromWgs84 for every system', () => {
    for (const system of ['wgs84', 'gcj02', 'bd09'] as const) {
      for (const p of sample.slice(0, 200)) expect(distanceMetres(toWgs84(system, fromWgs84(system, p)), p)).toBeLessThan(0.001);
    }
  });
});

describe('offset magnitude and the China test', () => {
  it('moves a Beijing point by hundreds of metres (GCJ-02) and more again for BD-09', () => {
    const tiananmen = { lat: 39.9087, lon: 116.3975 };
    const gcj = distanceMetres(tiananmen, wgs84ToGcj02(tiananmen));
    const bd = distanceMetres(tiananmen, fromWgs84('bd09', tiananmen));
    expect(gcj).toBeGreaterThan(300);
    expect(gcj).toBeLessThan(800);
    expect(bd).toBeGreaterThan(gcj);
    expect(bd).toBeLessThan(2000);
  });

  it('leaves points outside China unchanged', () => {
    for (const p of [{ lat: 48.8566, lon: 2.3522 }, { lat: 40.7128, lon: -74.006 }, { lat: -33.8688, lon: 151.2093 }, { lat: 35.6762, lon: 139.6503 }]) {
      expect(insideChina(p)).toBe(false);
      expect(wgs84ToGcj02(p)).toEqual(p);
      expect(gcj02ToWgs84(p)).toEqual(p);
    }
  });

  it('counts China’s corners as inside: Mohe, Kashgar, Sanya, Fuyuan, the Nansha islands', () => {
    for (const p of [{ lat: 53.48, lon: 122.37 }, { lat: 39.47, lon: 75.99 }, { lat: 18.25, lon: 109.51 }, { lat: 48.36, lon: 134.29 }, { lat: 9.55, lon: 112.89 }]) expect(insideChina(p)).toBe(true);
  });
});
