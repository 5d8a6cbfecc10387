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
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    const fh = await fs.promises.open(tmp, 'wx', 0o640);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, file);
    return { sha256, file };
  }
}
