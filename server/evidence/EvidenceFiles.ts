import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Content-addressed storage of evidence bytes: stored under their SHA-256, written once through a
 * temp file, fsync and rename, never re-encoded. A second upload of the same bytes is a no-op.
 */
export class EvidenceFiles {
  constructor(private readonly root: string) {}

  pathOf(sha256: string, ext: string): string {
    return path.join(this.root, sha256.slice(0, 2), `${sha256}.${ext}`);
  }

  async put(bytes: Buffer, ext: string): Promise<{ sha256: string; file: string }> {
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const file = this.pathOf(sha256, ext);
    if (fs.existsSync(file)) return { sha256, file };
    if (await fs.promises.mkdir(path.dirname(file), { recursive: true })) await syncDir(this.root);
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    const fh = await fs.promises.open(tmp, 'wx', 0o640);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, file);
    // The rename lives in the folder's entry list: without syncing the folder a power cut could
    // leave a committed database row pointing at a file that is not there.
    await syncDir(path.dirname(file));
    return { sha256, file };
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
