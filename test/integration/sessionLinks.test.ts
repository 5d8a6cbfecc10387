import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JoinLinks } from '../../server/cases/JoinLinks';
import { SessionLinks } from '../../server/inspection/SessionLinks';
import { createLogger } from '../../server/platform/logger';
import { Gone, NotFound } from '../../server/platform/errors';
import { openDomain } from '../support/domain';

const DAY = 24 * 3600_000;

describe('join links of a session', () => {
  let dir: string;
  let d: Awaited<ReturnType<typeof openDomain>>;
  let tokens: JoinLinks;
  let links: SessionLinks;
  const clock = { t: Date.parse('2026-11-23T09:00:00+08:00'), now() { return this.t; } };
  const revoked: Array<{ linkId: string; reason: string }> = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-links-'));
    d = await openDomain(dir, clock);
    tokens = new JoinLinks(d.store, Buffer.alloc(32, 7), clock, DAY);
    links = new SessionLinks(tokens, d.lifecycle, clock, d.events, createLogger('silent'));
    revoked.length = 0;
    d.events.on('link.revoked', (e) => void revoked.push(e));
  });
  afterEach(async () => {
    await d.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const newSession = async () => {
    const caseRecord = await d.newCase();
    const session = await d.lifecycle.schedule(caseRecord, 'insp');
    return { caseRecord, session, ...(await links.issue(session.id, 'insp')) };
  };
  const reasonOf = (p: Promise<unknown>) => p.then(() => 'admitted', (e: Gone) => `${e.constructor.name}:${e.reason}`);

  it('admits a fresh token, names its case and session, and numbers cases per day in Asia/Shanghai', async () => {
    const s = await newSession();
    const v = await links.admit(s.token);
    expect(v.session.id).toBe(s.session.id);
    expect(s.caseRecord.caseNumber).toBe('KY-20261123-0001');
    expect((await newSession()).caseRecord.caseNumber).toBe('KY-20261123-0002');
  });

  it('rejects a token with a changed byte, a forged signature, and garbage', async () => {
    const s = await newSession();
    const [body, sig] = s.token.split('.');
    const flipped = `${body}.${sig!.slice(0, -1)}${sig!.endsWith('A') ? 'B' : 'A'}`;
    await expect(links.admit(flipped)).rejects.toBeInstanceOf(NotFound);
    const otherKey = new SessionLinks(new JoinLinks(d.store, Buffer.alloc(32, 9), clock, DAY), d.lifecycle, clock, d.events, createLogger('silent'));
    await expect(otherKey.admit(s.token)).rejects.toMatchObject({ reason: 'link_invalid' });
    for (const junk of ['not-a-token', '', 'a.b.c']) await expect(links.admit(junk)).rejects.toBeInstanceOf(NotFound);
  });

  it('issuing a new link revokes the previous one, which is then refused as replaced', async () => {
    const s = await newSession();
    const second = await links.issue(s.session.id, 'insp');
    expect(revoked).toEqual([expect.objectContaining({ linkId: s.link.id, reason: 'replaced' })]);
    expect(await reasonOf(links.admit(s.token))).toBe('Gone:link_replaced');
    expect(await reasonOf(links.admit(second.token))).toBe('admitted');
    const listed = await links.list(s.session.id);
    expect(listed.map((l) => [l.id, l.state, l.revokeReason])).toEqual([
      [s.link.id, 'revoked', 'replaced'],
      [second.link.id, 'active', undefined],
    ]);
  });

  it('stops working once revoked, and revoking twice reports it', async () => {
    const s = await newSession();
    await links.revoke(s.link.id, 'insp');
    await expect(links.revoke(s.link.id, 'insp')).rejects.toBeInstanceOf(NotFound);
    const err = (await links.admit(s.token).catch((e: unknown) => e)) as Gone;
    expect(err).toMatchObject({ reason: 'link_revoked' });
    expect(err.userMessage).toContain('撤销');
  });

  it('expiry stops new joins, but a phone that joined keeps its way back for the session lifetime', async () => {
    const fresh = await newSession();
    const used = await newSession();
    await links.markUsed(used.link.id);
    clock.t += DAY + 1;
    try {
      const err = (await links.admit(fresh.token).catch((e: unknown) => e)) as Gone;
      expect(err).toMatchObject({ reason: 'link_expired' });
      expect(err.userMessage).toContain('过期');
      expect(await reasonOf(links.admit(used.token))).toBe('admitted');
      expect((await links.list(used.session.id))[0]!.state).toBe('used');
      expect((await links.list(fresh.session.id))[0]!.state).toBe('expired');
      // A new link revokes the used one too, though it has expired: its phone cannot come back.
      await links.issue(used.session.id, 'insp');
      expect(await reasonOf(links.admit(used.token))).toBe('Gone:link_replaced');
      used.token = (await links.list(used.session.id)).at(-1)!.token;
      await links.markUsed((await links.list(used.session.id)).at(-1)!.id);
      // Once the inspection is over, the used link is done too.
      await d.lifecycle.presence(used.session.id, { applicant: 'live', inspectors: 1 });
      await d.lifecycle.endCall(used.session.id, 'insp');
      expect(await reasonOf(links.admit(used.token))).toBe('Gone:session_interrupted');
      await d.lifecycle.abandon(used.session.id, 'insp', '申请人放弃申请');
      expect(await reasonOf(links.admit(used.token))).toBe('Gone:session_ended');
    } finally {
      clock.t -= DAY + 1;
    }
  });

  it('issues no link for a session that cannot hold a call', async () => {
    const s = await newSession();
    await d.lifecycle.abandon(s.session.id, 'insp', '企业撤回申请');
    await expect(links.issue(s.session.id, 'insp')).rejects.toMatchObject({ userMessage: '本次勘验已结束，不能再发链接' });
  });
});
