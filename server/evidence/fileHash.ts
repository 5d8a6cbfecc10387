import crypto from 'node:crypto';
import fs from 'node:fs';

/** SHA-256 and size of a file, read as a stream: recordings can be hundreds of megabytes. */
export async function fileHash(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
