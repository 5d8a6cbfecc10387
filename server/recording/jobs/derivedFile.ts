import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Where a post-processing output is written while ffmpeg makes it: beside its final name, so the
 * rename is atomic and a half-written copy never carries the final name.
 */
export function scratchPathFor(final: string): string {
  const ext = path.extname(final);
  return `${final.slice(0, -ext.length)}.${crypto.randomBytes(4).toString('hex')}.tmp${ext}`;
}

/** Makes a finished scratch file durable under its final name (fsync, rename, fsync the folder). */
export async function publishScratch(scratch: string, final: string): Promise<void> {
  const fh = await fs.promises.open(scratch, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(scratch, final);
  const dir = await fs.promises.open(path.dirname(final), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Removes a scratch file a failed or aborted run left; never an original or a published copy. */
export async function dropScratch(scratch: string): Promise<void> {
  await fs.promises.rm(scratch, { force: true });
}

/** `<case>/<session>/3-phone.mkv` → `<case>/<session>/3-phone.<suffix>` (relative to the recordings root). */
export function derivedName(segmentFile: string, suffix: string): string {
  return `${segmentFile.replace(/\.mkv$/i, '')}.${suffix}`;
}
