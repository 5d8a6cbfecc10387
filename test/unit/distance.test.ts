import { distanceMetres } from '../../server/geo/distance';

describe('distanceMetres', () => {
  it('is zero for the same point and symmetric', () => {
    const a = { lat: 39.92893, lon: 116.41642 };
    expect(distanceMetres(a, a)).toBe(0);
    const b = { lat: 39.93, lon: 116.42 };
    expect(distanceMetres(a, b)).toBeCloseTo(distanceMetres(b, a), 6);
  });

  it('matches known distances', () => {
    // 0.001 degree of latitude is about 111.2 m anywhere.
    expect(distanceMetres({ lat: 30, lon: 120 }, { lat: 30.001, lon: 120 })).toBeCloseTo(111.2, 0);
    // Beijing Tiananmen to Shanghai People's Square: about 1,067 km.
    const km = distanceMetres({ lat: 39.9087, lon: 116.3975 }, { lat: 31.2304, lon: 121.4737 }) / 1000;
    expect(km).toBeGreaterThan(1060);
    expect(km).toBeLessThan(1075);
  });
});
