import crypto from 'node:crypto';

/** Random, URL-safe, unguessable identifier (128 bits by default). */
export function newId(bytes = 16): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}
