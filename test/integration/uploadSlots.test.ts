import { testJpeg } from '../support/images';
import { captureTicket, createCase, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

describe('uploads per join link', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(() => srv.stop());

  it('takes two photos at once per link; more are told to wait (429, kept by the phone), and another link is not held up', async () => {
    const cookie = await loginCookie(srv.url);
    const [a, b] = [await createCase(srv.url, cookie), await createCase(srv.url, cookie)];
    const point = (await srv.server.walks.view(a.sessionId)).points[0]!.key;
    const photo = await testJpeg(4000, 3000);
    const send = async (c: typeof a, i: number) => {
      const capture = await captureTicket(srv, c.sessionId, point);
      const qs = new URLSearchParams({ point, requestId: `slots-${c.sessionId}-${i}`, capture, lat: '39.9', lon: '116.4', accuracy: '5', fixTime: String(Date.now()) });
      const res = await fetch(`${srv.url}/j/${c.token}/photos?${qs}`, { method: 'POST', body: new Uint8Array(photo) });
      return { status: res.status, reason: res.status === 429 ? ((await res.json()) as { error: { reason?: string } }).error.reason : undefined };
    };
    const results = await Promise.all([...Array.from({ length: 6 }, (_, i) => send(a, i)), send(b, 0)]);
    const onA = results.slice(0, 6);
    expect(onA.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(2);
    expect(onA.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    expect(onA.every((r) => r.status === 201 || (r.status === 429 && r.reason === 'upload_busy'))).toBe(true);
    expect(results[6]!.status).toBe(201);
    // Once they are done the slots are free again.
    expect((await send(a, 99)).status).toBe(201);
  });
});
