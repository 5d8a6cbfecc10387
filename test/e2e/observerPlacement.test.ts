// A supervisor watching a live inspection (旁听) is served from the other media worker: the phone's
// streams reach it through pipeToRouter, and it sees and hears the phone as the inspector does.
import type { Page } from 'playwright-core';
import type { InboundTotals } from '../../client/shared/inboundStats';
import type { Room } from '../../server/sfu/Room';
import { chromiumOffice } from '../support/chromiumOffice';
import { desktopContext } from '../support/browser';
import { openLiveCall } from '../support/inspectionPages';
import { createStaff } from '../support/staff';
import { loginCookie } from '../support/testServer';

const SHOP = { text: '北京市西城区旁听测试路3号', lat: 39.913, lon: 116.366 };
const AT_SHOP = { latitude: 39.913, longitude: 116.366, accuracy: 8 };

type Probe = { __kanyanCall: { role?: string; inbound(): Promise<InboundTotals | null> } };
const inbound = (page: Page) => page.evaluate(() => (window as unknown as Probe).__kanyanCall.inbound());

describe('a watching supervisor on another media worker', () => {
  const office = chromiumOffice({ MEDIA_WORKERS: '2' });

  it('receives the phone through a pipe from the room’s worker, and leaves no edge behind', async () => {
    const rooms: Room[] = [];
    office.srv.server.calls.opened.on('room', (room) => rooms.push(room));
    const call = await openLiveCall(office.srv, office.browser, '旁听测试便利店', SHOP, AT_SHOP);
    try {
      const room = rooms.find((r) => r.sessionId === call.sessionId)!;
      expect(room).toBeDefined();

      const supervisor = await createStaff(office.srv.url, await loginCookie(office.srv.url), { username: 'sup.pipe', roles: ['supervisor'] });
      const ctx = await desktopContext(office.browser, office.srv.url);
      office.contexts.push(ctx);
      const [name, value] = supervisor.cookie.split('=');
      await ctx.addCookies([{ name: name!, value: value!, url: office.srv.url }]);
      const watcher = await ctx.newPage();
      await watcher.goto(`/inspector#/session/${call.sessionId}`);
      await watcher.waitForFunction(() => (window as unknown as Probe).__kanyanCall?.role === 'observer');

      // Frames keep arriving and audio keeps playing on the watcher's page, not just a first frame.
      await watcher.waitForFunction(async () => ((await (window as unknown as Probe).__kanyanCall.inbound())?.videoFramesDecoded ?? 0) > 0, undefined, { timeout: 20_000 });
      const before = (await inbound(watcher))!;
      await watcher.waitForTimeout(2000);
      const after = (await inbound(watcher))!;
      expect(after.videoFramesDecoded - before.videoFramesDecoded).toBeGreaterThan(20);
      expect(after.audioBytes).toBeGreaterThan(before.audioBytes);
      expect(after.videoWidth).toBeGreaterThan(0);

      // The inspector is at home, the watcher on the other worker.
      const placement = room.placements();
      expect(placement.map((p) => p.role).sort()).toEqual(['applicant', 'inspector', 'observer']);
      expect(placement.filter((p) => p.role !== 'observer').every((p) => p.worker === room.workerIndex)).toBe(true);
      const watching = placement.filter((p) => p.role === 'observer');
      expect(watching).toHaveLength(1);
      expect(watching[0]!.worker).not.toBe(room.workerIndex);

      // The edge router on the other worker holds the watcher's two transports and one pipe.
      const other = office.srv.server.pool.liveWorkers.find((w) => w.index === watching[0]!.worker)!;
      expect(other.routers).toBe(1);
      const dump = (await other.worker.dump()) as { routerIds: string[] };
      expect(dump.routerIds).toHaveLength(1);

      // The supervisor leaves: the edge router goes with the last watcher.
      await watcher.close();
      const deadline = Date.now() + 15_000;
      while (other.routers > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(other.routers).toBe(0);
      expect(((await other.worker.dump()) as { routerIds: string[] }).routerIds).toHaveLength(0);
      // The inspector's call goes on.
      const still = (await call.inspector.evaluate(() => (window as unknown as Probe).__kanyanCall.inbound()))!;
      expect(still.videoFramesDecoded).toBeGreaterThan(0);
    } finally {
      await call.close();
    }
  }, 120_000);
});
