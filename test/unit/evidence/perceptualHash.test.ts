import sharp from 'sharp';
import { hammingDistance, NEAR_DISTANCE, perceptualHash, perceptualHashes, photoDistance } from '../../../server/evidence/reuse/perceptualHash';
import { reencodedCopy, sceneJpeg } from '../../support/sceneImages';
import { testJpeg } from '../../support/images';

/** Copies of one photo as someone passing it off again would make them. */
async function copiesOf(jpeg: Buffer): Promise<Array<[string, Buffer]>> {
  const { width = 0, height = 0 } = await sharp(jpeg).metadata();
  return [
    ['quality 60, cropped 3 % each side', await reencodedCopy(jpeg, 60, 0.03)],
    ['quality 40, cropped 3 % each side', await reencodedCopy(jpeg, 40, 0.03)],
    ['quality 85, cropped 1.5 % each side', await reencodedCopy(jpeg, 85, 0.015)],
    ['quality 70, cropped 3 % at right and bottom', await sharp(jpeg).extract({ left: 0, top: 0, width: Math.round(width * 0.97), height: Math.round(height * 0.97) }).jpeg({ quality: 70 }).toBuffer()],
    ['resized to 640 wide, quality 70', await sharp(jpeg).resize(640).jpeg({ quality: 70 }).toBuffer()],
  ];
}

describe('perceptual hash', () => {
  it('finds re-encoded and slightly cropped copies near, and different scenes far', async () => {
    const originals = [...(await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => sceneJpeg(seed)))), await testJpeg(1200, 900), await testJpeg(1200, 900)];
    const hashes = await Promise.all(originals.map(perceptualHashes));
    const near: Record<string, number[]> = {};
    for (const [i, jpeg] of originals.entries()) {
      for (const [what, copy] of await copiesOf(jpeg)) (near[what] ??= []).push(photoDistance(hashes[i]!, await perceptualHashes(copy)));
    }
    const far: number[] = [];
    for (let i = 0; i < hashes.length; i++) for (let j = i + 1; j < hashes.length; j++) far.push(photoDistance(hashes[i]!, hashes[j]!));
    // The figures behind NEAR_DISTANCE, for the record.
    console.log(
      [
        `perceptual distances over ${originals.length} photos (threshold ${NEAR_DISTANCE}):`,
        ...Object.entries(near).map(([what, d]) => `  copy, ${what}: ${d.join(' ')} (max ${Math.max(...d)})`),
        `  different scenes: min ${Math.min(...far)}, median ${far.sort((a, b) => a - b)[far.length >> 1]}`,
      ].join('\n'),
    );
    for (const d of Object.values(near).flat()) expect(d).toBeLessThanOrEqual(NEAR_DISTANCE);
    for (const d of far) expect(d).toBeGreaterThan(NEAR_DISTANCE);
  });

  it('hashes the same picture alike whether it is turned by its EXIF orientation or by its pixels', async () => {
    const scene = await sceneJpeg(11, 800, 600);
    // Orientation 6: the stored pixels are the upright picture turned 90° anticlockwise, to be turned back clockwise.
    const anticlockwise = await sharp(scene).rotate(-90).jpeg({ quality: 88 }).toBuffer();
    const tagged = await sharp(anticlockwise).withMetadata({ orientation: 6 }).jpeg({ quality: 88 }).toBuffer();
    const upright = await perceptualHash(scene);
    expect(hammingDistance(upright, await perceptualHash(tagged))).toBeLessThanOrEqual(4);
    // Without the tag the same pixels differ like different scenes.
    expect(hammingDistance(upright, await perceptualHash(anticlockwise))).toBeGreaterThan(NEAR_DISTANCE);
  });

  it('gives 64-bit hex hashes and counts differing bits', async () => {
    const h = await perceptualHash(await sceneJpeg(3, 400, 300));
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
  });
});
