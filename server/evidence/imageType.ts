/** Recognises an image by its first bytes, never by its name or declared type. */
export function imageTypeOf(bytes: Buffer): { mediaType: 'image/jpeg' | 'image/png'; ext: 'jpg' | 'png' } | undefined {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { mediaType: 'image/jpeg', ext: 'jpg' };
  if (bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { mediaType: 'image/png', ext: 'png' };
  return undefined;
}
