import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLoggedServer, type LogCapture } from '../support/logCapture';
import { connect, connected, type TestSocket } from '../support/sockets';
import { tarOf } from '../support/tarFile';
import { createCase, loginCookie, type CreatedCase, type RunningServer } from '../support/testServer';

const STACK_LINE = /\n\s+at .+(\.ts|\.js):\d+/;

describe('hostile inputs', () => {
  let srv: RunningServer & { log: LogCapture };
  let cookie: string;
  let c: CreatedCase;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    srv = await startLoggedServer();
    cookie = await loginCookie(srv.url);
    c = await createCase(srv.url, cookie);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(() => srv.stop());

  const phone = async () => {
    const s = connect(srv.url, { role: 'applicant', token: c.token });
    sockets.push(s);
    await connected(s);
    return s;
  };
  const emitRaw = (s: TestSocket, event: string, payload: unknown = {}) => (s.emit as (e: string, p: unknown) => void)(event, payload);

  describe('socket messages', () => {
    it('answers a few unknown events and stays connected', async () => {
      const s = await phone();
      const errors: Array<{ code: string; event?: string }> = [];
      s.on('protocol:error', (e) => errors.push(e));
      for (let i = 0; i < 50; i++) emitRaw(s, `no:such:event:${i}`);
      await new Promise((r) => setTimeout(r, 300));
      expect(errors).toHaveLength(50);
      expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['invalid']));
      expect(s.connected).toBe(true);
    });

    it('counts unknown events against the 100 a second cap: a flood disconnects', async () => {
      const s = await phone();
      const errors: Array<{ code: string; event?: string }> = [];
      s.on('protocol:error', (e) => errors.push(e));
      const gone = new Promise<string>((resolve) => s.once('disconnect', resolve));
      // Names that exist on every object's prototype are unknown events too.
      for (let i = 0; i < 300; i++) emitRaw(s, ['toString', 'constructor', 'hasOwnProperty', `junk:${i}`][i % 4]!, { i });
      expect(await gone).toBe('io server disconnect');
      expect(errors.filter((e) => e.code === 'rate_limited')).toHaveLength(1);
      expect(errors.filter((e) => e.code === 'invalid').length).toBeLessThanOrEqual(100);
      expect(srv.log.lines().some((l) => l.msg === 'message flood: page disconnected')).toBe(true);
    });

    it('cuts an unknown event name echoed back to 64 characters', async () => {
      const s = await phone();
      const error = new Promise<{ event?: string }>((resolve) => s.once('protocol:error', resolve));
      emitRaw(s, 'x'.repeat(100_000));
      expect((await error).event).toBe('x'.repeat(64));
    });
  });

  describe('HTTP client mistakes', () => {
    const cases: Array<[string, number, boolean]> = [
      ['/api/cases/%E0%A4%A', 400, true],
      ['/api/cases/%E0%A4%A', 400, false],
      ['/api/sessions/%ZZ/walk', 400, true],
      ['/j/%E0%A4%A', 400, false],
      ['/assets/%E0%A4%A', 400, false],
      ['/assets/nope.js', 404, false],
      ['/assets/nope.css', 404, false],
      ['/assets/..%2f..%2fpackage.json', 404, false],
      ['/assets/%2e%2e%2f%2e%2e%2fpackage.json', 404, false],
      ['/assets/..%5c..%5cpackage.json', 404, false],
      ['/assets/applicant.js%00.map', 404, false],
    ];

    it.each(cases)('GET %s answers %i (logged in: %s) with a message, no stack, no error in the log', async (url, status, withCookie) => {
      const before = srv.log.raw.length;
      const res = await fetch(`${srv.url}${url}`, { headers: { 'Accept-Encoding': 'gzip', ...(withCookie ? { cookie } : {}) } });
      const text = await res.text();
      expect(res.status).toBe(status);
      expect(JSON.parse(text).error.message).toBeTruthy();
      expect(text).not.toMatch(STACK_LINE);
      expect(text).not.toMatch(/\\n\s+at /);
      expect(text).not.toContain('"name": "kanyan"');
      const logged = srv.log.lines().slice(before);
      expect(logged.filter((l) => l.level >= 50)).toEqual([]);
      expect(JSON.stringify(logged)).not.toMatch(/\\n\s+at /);
    });

    it('still serves the real assets, gzipped or not', async () => {
      const gz = await fetch(`${srv.url}/assets/applicant.js`, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gz.status).toBe(200);
      expect(gz.headers.get('content-type')).toContain('javascript');
      const plain = await fetch(`${srv.url}/assets/style.css`, { headers: { 'Accept-Encoding': 'identity' } });
      expect(plain.status).toBe(200);
    });
  });

  describe('npm run verify on hostile and malformed archives', () => {
    let work: string;
    let tmp: string;
    beforeAll(() => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-hostile-'));
      // The script's own temp dir goes here, so the test can see it is gone afterwards.
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-hostile-tmp-'));
    });
    afterAll(() => {
      fs.rmSync(work, { recursive: true, force: true });
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    const verify = (target: string) => {
      const r = spawnSync('node', ['--require', 'tsx/cjs', 'scripts/verify.ts', target], { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const leftovers = () => fs.readdirSync(tmp).filter((n) => n.startsWith('kanyan-verify-'));
    const file = (name: string, bytes: Buffer | string) => {
      const p = path.join(work, name);
      fs.writeFileSync(p, bytes);
      return p;
    };
    const exportLike = tarOf([
      { name: 'C-1/', type: '5' },
      { name: 'C-1/records.jsonl', body: '{"record":{"seq":1}}\n'.repeat(100) },
      { name: 'C-1/keys/', type: '5' },
    ]);

    const archives: Array<[string, () => string, RegExp]> = [
      ['not a tar', () => file('text.tar', 'this is not an archive\n'.repeat(200)), /not a tar archive/],
      ['random bytes', () => file('random.tar', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251))), /not a tar archive/],
      ['a tar with ../ paths', () => file('dotdot.tar', tarOf([{ name: 'C-1/', type: '5' }, { name: 'C-1/../../escaped.txt', body: 'owned' }])), /unsafe path/],
      ['a tar with an absolute path', () => file('abs.tar', tarOf([{ name: '/tmp/kanyan-owned.txt', body: 'owned' }])), /unsafe path/],
      ['a tar with a symlink entry', () => file('symlink.tar', tarOf([{ name: 'C-1/', type: '5' }, { name: 'C-1/records.jsonl', type: '2', linkTarget: '/etc/passwd' }])), /holds a link/],
      ['a tar with a hard link entry', () => file('hardlink.tar', tarOf([{ name: 'C-1/', type: '5' }, { name: 'C-1/records.jsonl', type: '1', linkTarget: '/etc/passwd' }])), /holds a link/],
      [
        'a system tar holding a symlink',
        () => {
          const src = fs.mkdtempSync(path.join(work, 'src-'));
          fs.mkdirSync(path.join(src, 'C-1'));
          fs.symlinkSync('/etc/passwd', path.join(src, 'C-1', 'records.jsonl'));
          const out = path.join(work, 'gnu-symlink.tar');
          execFileSync('tar', ['-cf', out, '-C', src, 'C-1']);
          return out;
        },
        /holds a link/,
      ],
      ['an empty tar (only the end marker)', () => file('empty.tar', Buffer.alloc(10240)), /empty/],
      ['a zero-byte file', () => file('zero.tar', Buffer.alloc(0)), /empty/],
      ['a tar cut in the middle of a file', () => file('cut.tar', exportLike.subarray(0, 1024 + 300)), /truncated/],
      ['a tar cut before its end marker', () => file('no-end.tar', exportLike.subarray(0, exportLike.length - 1024)), /truncated/],
      ['a tar of two folders', () => file('two.tar', tarOf([{ name: 'a/x', body: '1' }, { name: 'b/y', body: '2' }])), /one top folder/],
      ['a tar without records.jsonl', () => file('norecords.tar', tarOf([{ name: 'C-1/README.txt', body: 'hi' }])), /records\.jsonl: missing/],
      ['a tar with nonsense records', () => file('nonsense.tar', exportLike), /not a signed record/],
    ];

    it.each(archives)('reports %s as FAILED with a reason, exit 1, no stack, no temp dir left', (_what, make, reason) => {
      const target = make();
      const r = verify(target);
      expect({ code: r.code, first: r.out.split('\n')[0] }).toMatchObject({ code: 1, first: expect.stringMatching(/^FAILED: /) });
      expect(r.out).toMatch(reason);
      expect(r.out + r.err).not.toMatch(STACK_LINE);
      expect(leftovers()).toEqual([]);
      expect(fs.existsSync(path.join(work, 'escaped.txt'))).toBe(false);
      expect(fs.existsSync('/tmp/kanyan-owned.txt')).toBe(false);
    });

    it('reports an extracted folder whose records.jsonl is a symlink as FAILED', () => {
      const dir = fs.mkdtempSync(path.join(work, 'folder-'));
      fs.symlinkSync('/etc/passwd', path.join(dir, 'records.jsonl'));
      const r = verify(dir);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/^FAILED: .*\n(\s+- .*\n)*\s+- records\.jsonl: missing or not a plain file/);
      expect(r.out + r.err).not.toMatch(STACK_LINE);
    });
  });
});
