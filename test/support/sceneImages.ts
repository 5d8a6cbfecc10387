import sharp from 'sharp';

/** A small deterministic generator, so a scene is the same in every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/**
 * A photo-like scene: a sky-to-ground gradient, walls, windows and signs in random places and
 * colours, softened and with sensor noise, as a JPEG. Scenes with different seeds differ the way two
 * shop fronts do; the same seed always draws the same scene.
 */
export async function sceneJpeg(seed: number, width = 1600, height = 1200, quality = 88): Promise<Buffer> {
  const rnd = seeded(seed);
  const colour = () => `rgb(${Math.floor(rnd() * 256)},${Math.floor(rnd() * 256)},${Math.floor(rnd() * 256)})`;
  const shapes: string[] = [];
  for (let i = 0; i < 14; i++) {
    const w = width * (0.08 + rnd() * 0.4);
    const h = height * (0.08 + rnd() * 0.4);
    const x = rnd() * (width - w);
    const y = rnd() * (height - h);
    shapes.push(rnd() < 0.7 ? `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${colour()}"/>` : `<ellipse cx="${x + w / 2}" cy="${y + h / 2}" rx="${w / 2}" ry="${h / 2}" fill="${colour()}"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}</svg>`;
  const noise = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 18 } } }).png().toBuffer();
  const drawn = await sharp(Buffer.from(svg)).blur(1.2).png().toBuffer();
  return sharp(drawn).composite([{ input: noise, blend: 'overlay' }]).jpeg({ quality }).toBuffer();
}

/** The same picture as someone would pass it on: cropped by `cropFraction` at each edge and saved again at another quality. */
export async function reencodedCopy(jpeg: Buffer, quality: number, cropFraction: number): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(jpeg).metadata();
  const dx = Math.round(width * cropFraction);
  const dy = Math.round(height * cropFraction);
  return sharp(jpeg).extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy }).jpeg({ quality }).toBuffer();
}
