import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileVerifier } from '../../../server/recording/timeline/FileVerifier';

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('FileVerifier', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-verify-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says verified, mismatch, missing or unchained', async () => {
    const file = path.join(dir, 'a.mkv');
    const bytes = crypto.randomBytes(3 * 1024 * 1024 + 17);
    fs.writeFileSync(file, bytes);
    const v = new FileVerifier();
    expect(await v.check(file, sha(bytes))).toBe('verified');
    expect(await v.check(file, sha(Buffer.from('something else')))).toBe('mismatch');
    expect(await v.check(file, undefined)).toBe('unchained');
    expect(await v.check(path.join(dir, 'gone.mkv'), sha(bytes))).toBe('missing');
    // A folder where the file should be is no file either.
    expect(await v.check(dir, sha(bytes))).toBe('missing');
  });

  it('hashes again when the file changes, and at the latest after maxAgeMs even if its size and mtime were put back', async () => {
    const file = path.join(dir, 'b.mkv');
    const bytes = crypto.randomBytes(64 * 1024);
    fs.writeFileSync(file, bytes);
    let now = 1_000_000;
    const v = new FileVerifier({ maxAgeMs: 60_000, now: () => now });
    const recorded = sha(bytes);
    expect(await v.check(file, recorded)).toBe('verified');

    // A byte changed in place: new mtime, caught at once.
    const changed = Buffer.from(bytes);
    changed.writeUInt8(changed.readUInt8(100) ^ 0xff, 100);
    fs.writeFileSync(file, changed);
    expect(await v.check(file, recorded)).toBe('mismatch');

    // Put back, then changed again by someone who also restores the mtime: the remembered hash
    // stands until it is older than maxAgeMs, then the change is caught.
    const mtime = 1_700_000_000; // whole seconds, so putting it back is exact
    fs.writeFileSync(file, bytes);
    fs.utimesSync(file, mtime, mtime);
    expect(await v.check(file, recorded)).toBe('verified');
    fs.writeFileSync(file, changed);
    fs.utimesSync(file, mtime, mtime);
    expect(await v.check(file, recorded)).toBe('verified');
    now += 60_001;
    expect(await v.check(file, recorded)).toBe('mismatch');
  });

  it('hashes one file at a time, and each caller gets its own file', async () => {
    const files = [0, 1, 2, 3].map((i) => {
      const f = path.join(dir, `${i}.bin`);
      fs.writeFileSync(f, crypto.randomBytes(512 * 1024 + i));
      return f;
    });
    const v = new FileVerifier();
    const got = await Promise.all(files.map((f) => v.sha256Of(f)));
    expect(got).toEqual(files.map((f) => sha(fs.readFileSync(f))));
  });
});
