import sharp from 'sharp';
import type { PhotoRefusal } from '../protocol/signaling';
import { oneLine } from '../protocol/text';
import { escapeXml } from './escapeXml';

export interface StampInfo {
  caseId: string;
  caseNumber: string;
  businessName: string;
  pointKey: string;
  pointTitle: string;
  serverTime: number;
  position?: { lat: number; lon: number; accuracyM: number };
  distanceM?: number;
  distanceRule?: { limitM: number; verdict: 'pass' | 'fail' | 'uncertain' };
  /** How far the fix's time was from the photo's, when more than the intake accepts as current. */
  staleFixMs?: number;
}

/** Why the photo itself cannot be evidence (sent to the phone as the error's reason: it drops the photo). */
export type ImageRejectedReason = Extract<PhotoRefusal, 'photo_damaged' | 'photo_too_large_pixels'>;

export class ImageRejected extends Error {
  constructor(
    readonly reason: ImageRejectedReason,
    message: string,
  ) {
    super(message);
    this.name = 'ImageRejected';
  }
}

// Every photo is new: libvips' operation cache would only hold decoded pixels nobody asks for again.
sharp.cache(false);

/** A decompression bomb is refused before its pixels are allocated. */
export const MAX_INPUT_PIXELS = 64_000_000;

const VERDICT: Record<'pass' | 'fail' | 'uncertain', string> = { pass: '符合', fail: '不符合', uncertain: '无法确定' };

/** The band may cover at most this share of the photo; a taller band goes on a strip added below it. */
const MAX_OVERLAY_SHARE = 0.4;
/** A photo narrower than this gets a wider canvas for the band, so the stamp stays legible. */
const MIN_BAND_WIDTH = 480;
/** librsvg draws on a cairo surface, limited to 32767 px a side: the text layer stays well inside it. */
const MAX_TEXT_LAYER_WIDTH = 8192;
const MIN_FONT_PX = 18;

/**
 * Makes the stamped derivative of a photo: a burned-in band (case, business, point, server time in
 * Beijing time, coordinates with accuracy, distance to the registered address) in Chinese, sized to
 * stay readable on a phone screen, and EXIF with the time, GPS and the case and point ids. The
 * original bytes are never touched. Decoding here is also the content check: truncated files and
 * oversized images are refused. Text never makes stamping fail: every line is rendered on one line
 * with control characters removed, escaped for XML, and wrapped to the band's width. Any valid size
 * is stamped: on a photo too small for the band, the band goes below the photo on a wider canvas.
 */
export async function stampPhoto(original: Buffer, info: StampInfo): Promise<{ jpeg: Buffer; width: number; height: number }> {
  let meta: sharp.Metadata;
  try {
    // Only the header is read here (no pixels), so the size check below can say "too large" rather than "damaged".
    meta = await sharp(original, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ImageRejected('photo_damaged', `not a readable image: ${(err as Error).message}`);
  }
  if (!meta.width || !meta.height) throw new ImageRejected('photo_damaged', 'image has no size');
  if (meta.width * meta.height > MAX_INPUT_PIXELS) throw new ImageRejected('photo_too_large_pixels', `image too large: ${meta.width}×${meta.height}`);
  const rotated = (meta.orientation ?? 1) >= 5;
  const width = rotated ? meta.height : meta.width;
  const height = rotated ? meta.width : meta.height;

  // About 3.2% of the short side per line keeps the text legible when the photo is shown full-screen on a phone.
  const fontPx = Math.max(MIN_FONT_PX, Math.round(Math.min(width, height) * 0.032));
  const lineGap = Math.round(fontPx * 1.35);
  const pad = Math.round(fontPx * 0.6);
  const bandFor = (canvasW: number) => {
    const lines = bandLines(info).flatMap((l) => wrap(l, Math.min(canvasW, MAX_TEXT_LAYER_WIDTH) - pad * 2, fontPx));
    return { lines, height: pad * 2 + lineGap * lines.length };
  };
  let band = bandFor(width);
  // A photo too narrow for legible text, or too low for the band, gets a canvas with a strip below it.
  const overlay = width >= MIN_BAND_WIDTH && band.height <= height * MAX_OVERLAY_SHARE;
  const canvasW = overlay ? width : Math.max(width, MIN_BAND_WIDTH);
  if (!overlay) band = bandFor(canvasW);
  const textW = Math.min(canvasW, MAX_TEXT_LAYER_WIDTH);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${textW}" height="${band.height}">
${band.lines
  .map((l, i) => `<text x="${pad}" y="${pad + lineGap * i + fontPx}" font-family="Noto Sans CJK SC, Noto Sans CJK, WenQuanYi Zen Hei, sans-serif" font-size="${fontPx}" fill="#fff">${escapeXml(l)}</text>`)
  .join('\n')}
</svg>`;
  // The band's shade is a plain layer of the canvas's width, the text a layer of at most MAX_TEXT_LAYER_WIDTH on it.
  const shade = { input: { create: { width: canvasW, height: band.height, channels: 4 as const, background: { r: 0, g: 0, b: 0, alpha: overlay ? 0.62 : 1 } } } };
  const bandTop = overlay ? height - band.height : height;

  const exifTime = exifDate(info.serverTime);
  const exif: Record<string, Record<string, string>> = {
    IFD0: {
      ImageDescription: `kanyan case=${info.caseId} point=${info.pointKey}`,
      Software: 'Kanyan',
      DateTime: exifTime,
    },
    IFD2: { DateTimeOriginal: exifTime, OffsetTimeOriginal: '+08:00', UserComment: `case=${info.caseId};point=${info.pointKey}` },
  };
  if (info.position) exif.IFD3 = gpsIfd(info.position.lat, info.position.lon);

  try {
    let image = sharp(original, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated', sequentialRead: true }).rotate();
    if (!overlay) {
      // The photo keeps its pixels, centred above the band; the added strip is black.
      const left = Math.floor((canvasW - width) / 2);
      image = image.extend({ top: 0, bottom: band.height, left, right: canvasW - width - left, background: { r: 0, g: 0, b: 0, alpha: 1 } });
    }
    const jpeg = await image
      .composite([
        { ...shade, top: bandTop, left: 0 },
        { input: Buffer.from(svg), top: bandTop, left: 0 },
      ])
      .withExif(exif)
      // Huffman optimisation costs a second pass (~50 ms on 12 MP) for ~5% size: not worth it per upload.
      .jpeg({ quality: 86, optimiseCoding: false })
      .toBuffer();
    return { jpeg, width, height };
  } catch (err) {
    // The phone drops a refused photo, so only the photo's own fault may refuse it: when the image
    // decodes on its own, the failure is the stamp's (or the server's) and is thrown as such (500: the phone retries).
    const damage = await decodeError(original);
    if (damage) throw new ImageRejected('photo_damaged', `image cannot be decoded: ${damage}`);
    throw new Error(`stamping failed on a readable image: ${(err as Error).message}`);
  }
}

/** Why the image does not decode completely, or undefined when it does (only asked after a failure). */
async function decodeError(original: Buffer): Promise<string | undefined> {
  try {
    await sharp(original, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated', sequentialRead: true }).stats();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Rough advance of a character in em: CJK and other wide characters take a full em, the rest about 0.6. */
function advanceEm(ch: string): number {
  const c = ch.codePointAt(0)!;
  const wide =
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    c >= 0x20000;
  return wide ? 1 : 0.62;
}

/**
 * Breaks a line so that each piece fits `widthPx` (estimated: the stamp has no text metrics), at a
 * space or a Chinese punctuation mark when one is near the end, anywhere otherwise.
 */
function wrap(line: string, widthPx: number, fontPx: number): string[] {
  const maxEm = Math.max(4, widthPx / fontPx);
  const out: string[] = [];
  let current: string[] = [];
  let em = 0;
  for (const ch of Array.from(line)) {
    const w = advanceEm(ch);
    if (em + w > maxEm && current.length) {
      const keep = breakPoint(current);
      out.push(current.slice(0, keep).join('').trimEnd());
      current = current.slice(keep);
      while (current[0] === ' ' || current[0] === '·') current.shift();
      em = current.reduce((sum, c) => sum + advanceEm(c), 0);
    }
    current.push(ch);
    em += w;
  }
  if (current.length) out.push(current.join(''));
  return out.length ? out : [''];
}

/** Where to cut a full line: before its last " · " separator (which is dropped), else after its last space or Chinese punctuation, else at the end. */
function breakPoint(chars: string[]): number {
  const last = (re: RegExp, from: number) => {
    for (let i = chars.length - 1; i >= from; i--) if (re.test(chars[i]!)) return i;
    return -1;
  };
  const dot = last(/·/, Math.floor(chars.length * 0.4));
  if (dot > 0) return dot;
  const mark = last(/[ ，、；：）,;]/, Math.floor(chars.length * 0.6));
  return mark >= 0 ? mark + 1 : chars.length;
}

/** The band's text, each line on one line whatever the stored text holds (records from before the edge checks may hold control characters). */
function bandLines(info: StampInfo): string[] {
  const t = new Date(info.serverTime + 8 * 3600_000).toISOString();
  const lines = [`${oneLine(info.caseNumber, 60)} · ${oneLine(info.businessName)}`, `检查项：${oneLine(info.pointTitle)}`, `服务器时间：${t.slice(0, 10)} ${t.slice(11, 19)}（北京时间）`];
  if (info.position) {
    const p = info.position;
    let where = `位置：${p.lat.toFixed(6)}, ${p.lon.toFixed(6)} ±${Math.round(p.accuracyM)} 米`;
    if (info.distanceM !== undefined) where += ` · 距登记地址 ${Math.round(info.distanceM)} 米`;
    if (info.distanceRule) where += `（要求 ≤${info.distanceRule.limitM} 米：${VERDICT[info.distanceRule.verdict]}）`;
    if (info.staleFixMs !== undefined) where += ` · 定位与拍摄相差 ${Math.round(Math.abs(info.staleFixMs) / 60_000)} 分钟`;
    lines.push(where);
  } else {
    lines.push('位置：手机未提供定位');
  }
  return lines;
}

function exifDate(ms: number): string {
  const t = new Date(ms + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10).replace(/-/g, ':')} ${t.slice(11, 19)}`;
}

/** Degrees as EXIF rationals "d/1 m/1 s*100/100", the form sharp writes and exifr reads back. */
function gpsIfd(lat: number, lon: number): Record<string, string> {
  const dms = (v: number) => {
    const a = Math.abs(v);
    const d = Math.floor(a);
    const mFloat = (a - d) * 60;
    const m = Math.floor(mFloat);
    const s = Math.round((mFloat - m) * 60 * 10000);
    return `${d}/1 ${m}/1 ${s}/10000`;
  };
  return { GPSLatitudeRef: lat >= 0 ? 'N' : 'S', GPSLatitude: dms(lat), GPSLongitudeRef: lon >= 0 ? 'E' : 'W', GPSLongitude: dms(lon) };
}
