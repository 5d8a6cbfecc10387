import { fromWgs84 } from '../../../server/geo/datum';
import { distanceMetres } from '../../../server/geo/distance';
import { readCoordinate } from '../../../server/geo/coordinateText';
import { Invalid } from '../../../server/platform/errors';
import type { Text } from '../../../server/platform/Text';
import { NewCaseRequest } from '../../../server/protocol/cases';
import { parseInput } from '../../../server/protocol/parseInput';

const CJK = /[\u3400-\u9fff]/;
const REGISTERED_WGS = { lat: 39.92893, lon: 116.41642 };

const body = (address: Record<string, unknown>) => ({ businessName: '测试餐馆', permitTypes: ['food_business'], address: { text: '北京市东城区测试胡同1号', ...address } });

function refusal(address: Record<string, unknown>): Text {
  try {
    parseInput(NewCaseRequest, body(address));
  } catch (err) {
    expect(err).toBeInstanceOf(Invalid);
    return (err as Invalid).userText;
  }
  throw new Error('the address was accepted');
}

describe('the registered address refuses coordinates that cannot be the address', () => {
  it('refuses 0,0 as text and as numbers', () => {
    for (const zero of [{ lat: '0', lon: '0' }, { lat: 0, lon: 0 }, { lat: '0.0', lon: '-0' }]) {
      const t = refusal(zero);
      expect(t['zh-CN']).toContain('坐标为 0,0，应为登记地址的实际坐标');
      expect(t.en).toContain('The coordinates are 0,0');
      expect(t.en).not.toMatch(CJK);
    }
  });

  it('says latitude and longitude may be swapped', () => {
    const t = refusal({ lat: '116.4', lon: '39.9' });
    expect(t['zh-CN']).toContain('纬度和经度可能填反了');
    expect(t.en).toContain('Latitude and longitude may be swapped');
    // Not also "latitude out of range": one clear finding.
    expect(t['zh-CN']).not.toContain('-90 到 90');
  });

  it.each([
    [`39°55'44"N`, 39.928889],
    ['39°55′44″', 39.928889],
    ['39 55 44', 39.928889],
    ['39度55分44秒', 39.928889],
    ['395544', 39.928889],
    [`N 39°55.5'`, 39.925],
  ])('refuses the degrees-minutes-seconds latitude %s and suggests %s', (typed, decimal) => {
    const t = refusal({ lat: typed, lon: '116.41642' });
    expect(t['zh-CN']).toContain(`纬度“${typed}”是度分秒格式，请填写十进制度数：${decimal}`);
    expect(t.en).toContain(`enter decimal degrees: ${decimal}`);
    // English quotes what was typed, and adds no Chinese of its own.
    expect(t.en.replace(typed, '')).not.toMatch(CJK);
  });

  it('recognises a compact DMS longitude (1162459 = 116°24′59″) and the number 395544 sent by an API client', () => {
    expect(refusal({ lat: '39.92893', lon: '1162459' })['zh-CN']).toContain('请填写十进制度数：116.416389');
    expect(refusal({ lat: 395544, lon: 116.41642 }).en).toContain('enter decimal degrees: 39.928889');
  });

  it('refuses DMS that does not add up without a made-up suggestion, with an example instead', () => {
    const t = refusal({ lat: `39°75'44"`, lon: '116.41642' });
    expect(t['zh-CN']).toContain('是度分秒格式，请填写十进制度数，如 39.928889');
  });

  it('refuses out-of-range values with the range', () => {
    expect(refusal({ lat: '95', lon: '116.4' })['zh-CN']).toContain('纬度应在 -90 到 90 之间（填的是 95）');
    expect(refusal({ lat: '39.9', lon: '-200.5' }).en).toContain('Longitude must be between -180 and 180 (it is -200.5)');
  });

  it('refuses a point outside China (Paris) and tells the clerk to check', () => {
    const t = refusal({ lat: '48.8566', lon: '2.3522' });
    expect(t['zh-CN']).toContain('坐标（纬度 48.8566，经度 2.3522）不在中国境内，登记地址应在国内，请检查坐标');
    expect(t.en).toContain('is outside China');
  });

  it('refuses a pair pasted into one field, empty fields and words', () => {
    expect(refusal({ lat: '116.41642,39.92893', lon: '' })['zh-CN']).toMatch(/纬度一栏填了两个数“116\.41642,39\.92893”.*请填写经度/);
    expect(refusal({ lat: 'north', lon: '116.4' }).en).toContain('Latitude “north” cannot be read');
    expect(refusal({ lat: '39.9' })['zh-CN']).toContain('请填写经度');
    expect(refusal({ lat: '3'.repeat(101), lon: '116.4' }).en).toContain('cannot be read');
  });

  it('refuses an unknown coordinate source', () => {
    expect(refusal({ lat: '39.9', lon: '116.4', system: 'mars' })['zh-CN']).toContain('坐标来源不是可选的值');
  });
});

describe('the registered address is stored as WGS-84 with what was typed kept', () => {
  it('converts a GCJ-02 point copied from Amap to WGS-84 and keeps the typed numbers', () => {
    const gcj = fromWgs84('gcj02', REGISTERED_WGS);
    const typed = { lat: gcj.lat.toFixed(6), lon: gcj.lon.toFixed(6) };
    const parsed = parseInput(NewCaseRequest, body({ system: 'gcj02', ...typed }));
    expect(parsed.address.system).toBe('gcj02');
    expect(parsed.address.original).toEqual({ lat: Number(typed.lat), lon: Number(typed.lon) });
    expect(distanceMetres(parsed.address, REGISTERED_WGS)).toBeLessThan(0.5);
    // The datum offset that used to fail every honest shop: hundreds of metres.
    expect(distanceMetres(parsed.address.original, REGISTERED_WGS)).toBeGreaterThan(300);
  });

  it('converts BD-09, and accepts full-width digits from a Chinese input method', () => {
    const bd = fromWgs84('bd09', REGISTERED_WGS);
    const fullWidth = (s: string) => s.replace(/[0-9.]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const parsed = parseInput(NewCaseRequest, body({ system: 'bd09', lat: fullWidth(bd.lat.toFixed(6)), lon: ` ${bd.lon.toFixed(6)} ` }));
    expect(distanceMetres(parsed.address, REGISTERED_WGS)).toBeLessThan(0.5);
    expect(parsed.address.original.lat).toBe(Number(bd.lat.toFixed(6)));
  });

  it('takes numbers without a source as WGS-84, unchanged (API clients before the source existed)', () => {
    const parsed = parseInput(NewCaseRequest, body({ lat: 39.92893, lon: 116.41642 }));
    expect(parsed.address).toEqual({ text: '北京市东城区测试胡同1号', system: 'wgs84', lat: 39.92893, lon: 116.41642, original: { lat: 39.92893, lon: 116.41642 } });
  });
});

describe('readCoordinate', () => {
  it('reads decimals with a hemisphere and tells the other forms apart', () => {
    expect(readCoordinate('39.9N', 'lat')).toEqual({ kind: 'decimal', value: 39.9 });
    expect(readCoordinate('北纬39.9', 'lat')).toEqual({ kind: 'decimal', value: 39.9 });
    expect(readCoordinate('33.5S', 'lat')).toEqual({ kind: 'decimal', value: -33.5 });
    expect(readCoordinate('  ', 'lat')).toEqual({ kind: 'empty' });
    expect(readCoordinate('116.41642 39.92893', 'lon')).toEqual({ kind: 'pair', first: 116.41642, second: 39.92893 });
    expect(readCoordinate('39:55:44', 'lat')).toEqual({ kind: 'dms', suggestion: 39.928889 });
    expect(readCoordinate('-39°30′', 'lat')).toEqual({ kind: 'dms', suggestion: -39.5 });
    expect(readCoordinate('39°', 'lat')).toEqual({ kind: 'dms' });
    // In range, an integer is decimal degrees; out of range with minutes over 59 it is just out of range.
    expect(readCoordinate('39', 'lat')).toEqual({ kind: 'decimal', value: 39 });
    expect(readCoordinate('397744', 'lat')).toEqual({ kind: 'decimal', value: 397744 });
    expect(readCoordinate(Number.NaN, 'lat')).toEqual({ kind: 'unreadable' });
  });
});
