import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaseService } from '../../server/cases/CaseService';
import { JoinLinks } from '../../server/cases/JoinLinks';
import { Gone, NotFound } from '../../server/platform/errors';
import { SqliteStore } from '../../server/store/SqliteStore';

class ManualClock {
  constructor(public t = Date.parse('2026-11-23T09:00:00+08:00')) {}
  now() {
    return this.t;
  }
}

describe('JoinLinks', () => {
  let dir: string;
  let store: SqliteStore;
  const clock = new ManualClock();
  let links: JoinLinks;
  let cases: CaseService;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-links-'));
    store = await SqliteStore.open(path.join(dir, 'db.sqlite'));
    links = new JoinLinks(store, Buffer.alloc(32, 7), clock, 24 * 3600_000);
    cases = new CaseService(store, links, clock);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const newCase = () =>
    cases.create({ businessName: '张记面馆', permitTypes: ['food_business'], address: { text: '某路1号', lat: 30, lon: 120 } }, 'tester');

  it('accepts a fresh token and names its case and session', async () => {
    const c = await newCase();
    const v = await links.verify(c.token);
    expect(v.caseRecord.businessName).toBe('张记面馆');
    expect(v.session.id).toBe(c.session.id);
    expect(c.caseRecord.caseNumber).toMatch(/^KY-20261123-0001$/);
  });

  it('rejects a token with a changed byte, a forged signature, and garbage', async () => {
    const c = await newCase();
    const [body, sig] = c.token.split('.');
    const flipped = `${body}.${sig!.slice(0, -1)}${sig!.endsWith('A') ? 'B' : 'A'}`;
    await expect(links.verify(flipped)).rejects.toBeInstanceOf(NotFound);
    const otherKey = new JoinLinks(store, Buffer.alloc(32, 9), clock, 1000);
    await expect(otherKey.verify(c.token)).rejects.toBeInstanceOf(NotFound);
    await expect(links.verify('not-a-token')).rejects.toBeInstanceOf(NotFound);
    await expect(links.verify('')).rejects.toBeInstanceOf(NotFound);
    await expect(links.verify('a.b.c')).rejects.toBeInstanceOf(NotFound);
  });

  it('expires after its lifetime with a Chinese message', async () => {
    const c = await newCase();
    clock.t += 24 * 3600_000 + 1;
    const err = await links.verify(c.token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Gone);
    expect((err as Gone).userMessage).toContain('过期');
    clock.t -= 24 * 3600_000 + 1;
  });

  it('stops working once revoked, and revoking twice reports it', async () => {
    const c = await newCase();
    const { link } = await links.verify(c.token);
    expect((await links.revoke(link.id))?.id).toBe(link.id);
    expect(await links.revoke(link.id)).toBeUndefined();
    const err = await links.verify(c.token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Gone);
    expect((err as Gone).userMessage).toContain('撤销');
  });

  it('refuses links of an ended session', async () => {
    const c = await newCase();
    await store.sessions.setStatus(c.session.id, 'ended', clock.now(), 'finished');
    await expect(links.verify(c.token)).rejects.toBeInstanceOf(Gone);
  });

  it('numbers cases per day in Asia/Shanghai', async () => {
    await newCase();
    const second = await newCase();
    expect(second.caseRecord.caseNumber).toBe('KY-20261123-0002');
  });
});
