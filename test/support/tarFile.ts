/** One entry of a hand-made tar: a file (type '0'), a folder ('5'), a symlink ('2') or a hard link ('1'). */
export interface TarEntry {
  name: string;
  type?: '0' | '1' | '2' | '5';
  body?: Buffer | string;
  linkTarget?: string;
}

/**
 * Builds a ustar archive byte by byte, so a test can write what the system tar refuses to make
 * (`../` names, links to anywhere) and feed it to `npm run verify`.
 */
export function tarOf(entries: TarEntry[], { endMarker = true } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const type = e.type ?? '0';
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100, 'utf8');
    h.write(type === '5' ? '0000755\0' : '0000644\0', 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(`${(type === '0' ? body.length : 0).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
    h.write(type, 156, 'latin1');
    if (e.linkTarget) h.write(e.linkTarget, 157, 100, 'utf8');
    h.write('ustar\0', 257, 'latin1');
    h.write('00', 263, 'latin1');
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(h);
    if (type === '0' && body.length) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  if (endMarker) blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
