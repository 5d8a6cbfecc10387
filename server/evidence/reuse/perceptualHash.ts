import sharp from 'sharp';
import { MAX_INPUT_PIXELS } from '../Stamper';

/** The greyscale working copy: one decode (JPEG shrink-on-load makes it cheap), both hashes cut from it. */
const WORK = 256;
/** Side of the copy the DCT is taken over: small enough to wash out re-encoding noise. */
const SIDE = 32;
/** The lowest 8×8 frequencies make the 64 bits. */
const BAND = 8;
/**
 * The centre hash leaves out this many working pixels at each edge (3 %): a copy cropped by about that
 * much hashes like the original's centre, and the original like the copy's centre. Measured on 36
 * photo-like scenes: a 3 % crop per side moved the whole-frame hash by up to 14 bits, the best pair of
 * whole/centre hashes by at most 6.
 */
const CENTRE_MARGIN = 8;

/** cos((2x+1)uπ / 2N) for the 32-point DCT-II, computed once. */
const COS = Array.from({ length: BAND }, (_, u) => Float64Array.from({ length: SIDE }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIDE))));

/** Two 64-bit perceptual hashes of one photo (hex): of the whole frame, and of its centre. */
export interface PerceptualHashes {
  whole: string;
  centre: string;
}

/**
 * pHash: the DCT of a 32×32 greyscale copy, its low 8×8 frequencies against their median. The photo is
 * turned upright by its EXIF orientation first, so the same picture rotated by tag or by pixels hashes
 * alike. Re-encoding and resizing move a few bits; a different scene moves about half of them.
 */
export async function perceptualHashes(bytes: Buffer): Promise<PerceptualHashes> {
  const grey = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).rotate().greyscale().resize(WORK, WORK, { fit: 'fill' }).raw().toBuffer();
  if (grey.length !== WORK * WORK) throw new Error(`greyscale copy has ${grey.length} bytes, not ${WORK * WORK}`);
  const raw = { raw: { width: WORK, height: WORK, channels: 1 as const } };
  const inner = WORK - 2 * CENTRE_MARGIN;
  const [whole, centre] = await Promise.all([
    // greyscale() again: sharp would hand a one-channel raw input back as three channels.
    sharp(grey, raw).resize(SIDE, SIDE, { fit: 'fill' }).greyscale().raw().toBuffer(),
    sharp(grey, raw).extract({ left: CENTRE_MARGIN, top: CENTRE_MARGIN, width: inner, height: inner }).resize(SIDE, SIDE, { fit: 'fill' }).greyscale().raw().toBuffer(),
  ]);
  return { whole: dctHash(whole), centre: dctHash(centre) };
}

/** The whole-frame hash alone. */
export async function perceptualHash(bytes: Buffer): Promise<string> {
  return (await perceptualHashes(bytes)).whole;
}

function dctHash(px: Buffer): string {
  if (px.length !== SIDE * SIDE) throw new Error(`hash input has ${px.length} bytes, not ${SIDE * SIDE}`);
  // Separable DCT: rows first (only the BAND lowest frequencies are ever needed), then columns.
  const rows = new Float64Array(SIDE * BAND);
  for (let y = 0; y < SIDE; y++) {
    for (let u = 0; u < BAND; u++) {
      let s = 0;
      for (let x = 0; x < SIDE; x++) s += px[y * SIDE + x]! * COS[u]![x]!;
      rows[y * BAND + u] = s;
    }
  }
  const coeffs = new Float64Array(BAND * BAND);
  for (let v = 0; v < BAND; v++) {
    for (let u = 0; u < BAND; u++) {
      let s = 0;
      for (let y = 0; y < SIDE; y++) s += rows[y * BAND + u]! * COS[v]![y]!;
      coeffs[v * BAND + u] = s;
    }
  }
  // The DC term is the mean brightness, far larger than the rest: leave it out of the median.
  const median = medianOf(coeffs.subarray(1));
  let bits = 0n;
  for (let i = 0; i < BAND * BAND; i++) bits = (bits << 1n) | (coeffs[i]! > median ? 1n : 0n);
  return bits.toString(16).padStart(16, '0');
}

function medianOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** How many of the 64 bits differ between two hashes. */
export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

/**
 * How far apart two photos look: the closest of their whole/centre pairings, so a copy cropped at the
 * edges still meets its original.
 */
export function photoDistance(a: PerceptualHashes, b: PerceptualHashes): number {
  return Math.min(hammingDistance(a.whole, b.whole), hammingDistance(a.whole, b.centre), hammingDistance(a.centre, b.whole), hammingDistance(a.centre, b.centre));
}

/**
 * At most this many bits apart (by `photoDistance`) is "near-identical" (PHOTO_REUSE_NEAR_BITS overrides
 * it). Measured on 36 photo-like scenes and again in test/unit/evidence/perceptualHash.test.ts: copies
 * re-encoded at quality 40–85 and cropped 1.5–3 % per side came within 6 bits, cropped 3 % on one side
 * within 8; different scenes were never closer than 18. The price of the margin: two unrelated photos
 * with independent bits meet at 10 or fewer in about 4 of 10⁸ pairings, so with 10⁵ photos on file about
 * one new photo in 250 would be flagged by chance (at 8 bits, one in 10⁴); the inspector's written
 * acceptance settles such a flag.
 */
export const NEAR_DISTANCE = 10;
