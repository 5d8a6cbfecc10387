import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { WalkView } from '../../server/protocol/walk';
import { bothLive, desktopContext, phoneContext } from './browser';
import { loginCookie, type RunningServer } from './testServer';

export interface OpenCase {
  sessionId: string;
  joinUrl: string;
  cookie: string;
  inspector: Page;
  close(): Promise<void>;
}

/** A new food-business case at `address`, with the inspector console open on its session. */
export async function openCaseInConsole(srv: RunningServer, browser: Browser, businessName: string, address: { text: string; lat: number; lon: number }): Promise<OpenCase> {
  const cookie = await loginCookie(srv.url);
  const res = await fetch(`${srv.url}/api/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', cookie },
    body: JSON.stringify({ businessName, permitTypes: ['food_business'], address }),
  });
  if (res.status !== 201) throw new Error(`create case failed: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { session: { id: string }; joinUrl: string };
  const ctx = await desktopContext(browser, srv.url);
  const [name, value] = cookie.split('=');
  await ctx.addCookies([{ name: name!, value: value!, url: srv.url }]);
  const inspector = await ctx.newPage();
  await inspector.goto(`/inspector#/session/${created.session.id}`);
  return { sessionId: created.session.id, joinUrl: created.joinUrl, cookie, inspector, close: () => ctx.close() };
}

/** The checklist as the console last received it. */
export function consoleWalk(inspector: Page): Promise<WalkView | null> {
  return inspector.evaluate(() => (window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk ?? null);
}

/** Waits until the console shows `count` photos on the point. */
export async function waitForPhotos(inspector: Page, pointKey: string, count: number, timeout = 30_000): Promise<void> {
  await inspector.waitForFunction(
    ([k, n]) => ((window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk?.points.find((p) => p.key === k)?.photos.length ?? 0) === n,
    [pointKey, count] as const,
    { timeout },
  );
}

/** How many photos the phone page still holds (waiting or being sent). */
export function phonePending(phone: Page): Promise<number> {
  return phone.evaluate(() => (window as unknown as { __kanyan: { photos(): number } }).__kanyan.photos());
}

/** Opens a checklist point from the console's list and waits until it is the current point. */
export async function openPoint(inspector: Page, key: string): Promise<void> {
  await inspector.click(`.point-list li[data-key="${key}"] button`);
  await inspector.waitForSelector(`.current-point[data-key="${key}"]`);
}

/** A case opened in the console with its phone in the call and both sides live; `close()` ends both pages. */
export async function openLiveCall(
  srv: RunningServer,
  browser: Browser,
  businessName: string,
  address: { text: string; lat: number; lon: number },
  phoneAt: { latitude: number; longitude: number; accuracy: number },
): Promise<OpenCase & { phone: Page; phoneContext: BrowserContext }> {
  const c = await openCaseInConsole(srv, browser, businessName, address);
  const ctx = await phoneContext(browser, srv.url, phoneAt);
  const phone = await ctx.newPage();
  await phone.goto(c.joinUrl);
  await bothLive(phone, c.inspector);
  return { ...c, phone, phoneContext: ctx, close: async () => {
    await ctx.close();
    await c.close();
  } };
}
