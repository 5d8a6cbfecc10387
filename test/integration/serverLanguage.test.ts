import { TemplateLibrary } from '../../server/checklist/TemplateLibrary';
import type { WalkView } from '../../server/protocol/walk';
import { ask, connect, connected, connectError, next, type TestSocket } from '../support/sockets';
import { createStaff } from '../support/staff';
import { createCase, loginCookie, startTestServer, type CreatedCase, type RunningServer } from '../support/testServer';

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;
const FOOD = TemplateLibrary.load().forPermit('food_business');
const sorted = (xs: string[]) => [...xs].sort();

describe('server messages in the language of each request and socket', () => {
  let srv: RunningServer;
  let cookie: string;
  const sockets: TestSocket[] = [];
  const open = (auth: Record<string, string>, withCookie?: string) => {
    const s = connect(srv.url, auth, withCookie);
    sockets.push(s);
    return s;
  };
  const caps = () => srv.server.pool.routerRtpCapabilities;

  beforeAll(async () => {
    srv = await startTestServer();
    cookie = await loginCookie(srv.url);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(() => srv.stop());

  const badCase = JSON.stringify({ businessName: '店'.repeat(201), permitTypes: ['casino'], address: { text: '测试地址', lat: 200, lon: 0 } });
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${srv.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie, ...headers }, body });
  const messageOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

  describe('HTTP', () => {
    it('words a bad case form in English with X-Kanyan-Lang: en, naming Business name and no key', async () => {
      const res = await post('/api/cases', badCase, { 'X-Kanyan-Lang': 'en' });
      expect(res.status).toBe(400);
      const message = await messageOf(res);
      expect(message).toContain('Business name must be at most 200 characters');
      expect(message).not.toMatch(CJK);
      expect(message).not.toMatch(/businessName|permitTypes|address\.lat/);
    });

    it('words it in Chinese without a choice, whatever the browser’s Accept-Language says', async () => {
      const noChoice: Array<Record<string, string>> = [{}, { 'Accept-Language': 'en-US,en;q=0.9' }, { 'X-Kanyan-Lang': 'fr' }];
      for (const headers of noChoice) {
        const message = await messageOf(await post('/api/cases', badCase, headers));
        expect(message).toContain('经营者名称不能超过 200 个字');
        expect(message).not.toMatch(/businessName|permitTypes|address\.lat/);
      }
    });

    it('takes ?lang=en too, for every kind of refusal: domain errors, unknown routes, broken JSON, login', async () => {
      const unknown = await fetch(`${srv.url}/api/no-such-thing?lang=en`, { headers: { cookie } });
      expect(unknown.status).toBe(404);
      expect(await messageOf(unknown)).toBe('No such API route');
      const broken = await post('/api/cases', '{"businessName": ', { 'X-Kanyan-Lang': 'en' });
      expect(broken.status).toBe(400);
      expect(await messageOf(broken)).toBe('Malformed JSON in the request');
      expect(await messageOf(await post('/api/cases', '{"businessName": '))).toBe('请求内容格式无效');
      const noCase = await fetch(`${srv.url}/api/cases/nope`, { headers: { cookie, 'X-Kanyan-Lang': 'en' } });
      expect(await messageOf(noCase)).toBe('No such case');
      const login = await fetch(`${srv.url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Kanyan-Lang': 'en' }, body: JSON.stringify({ username: 'inspector', password: 'wrong-password' }) });
      expect(login.status).toBe(401);
      expect(await messageOf(login)).toBe('Wrong username or password');
      expect(await messageOf(await post('/api/cases?lang=en', badCase))).toContain('Business name');
    });

    it('serves the walk in the asked language', async () => {
      const c = await createCase(srv.url, cookie);
      const en = (await (await fetch(`${srv.url}/api/sessions/${c.sessionId}/walk`, { headers: { cookie, 'X-Kanyan-Lang': 'en' } })).json()) as { walk: WalkView };
      expect(sorted(en.walk.points.map((p) => p.title))).toEqual(sorted(FOOD.points.map((p) => p.title.en)));
      expect(en.walk.blockers.join(' ')).not.toMatch(CJK);
      const zh = (await (await fetch(`${srv.url}/api/sessions/${c.sessionId}/walk`, { headers: { cookie } })).json()) as { walk: WalkView };
      expect(sorted(zh.walk.points.map((p) => p.title))).toEqual(sorted(FOOD.points.map((p) => p.title['zh-CN'])));
    });
  });

  describe('sockets', () => {
    let c: CreatedCase;
    beforeEach(async () => {
      c = await createCase(srv.url, cookie);
    });

    it('refuses a bad link at the handshake in the socket’s language', async () => {
      const en = await connectError(open({ role: 'applicant', token: `${c.token}x`, lang: 'en' }));
      expect(en.data?.message).toBe('This link is not valid. Check that it is complete, or ask the inspector for a new link.');
      const zh = await connectError(open({ role: 'applicant', token: `${c.token}x` }));
      expect(zh.data?.message).toContain('链接无效');
    });

    it('gives an English console the template’s English, English blockers and English refusals, while a Chinese one in the same room stays Chinese', async () => {
      const supervisor = await createStaff(srv.url, cookie, { username: `sup${Date.now() % 100000}`, roles: ['supervisor'] });
      const console_ = open({ role: 'inspector', sessionId: c.sessionId, lang: 'en' }, cookie);
      const watcher = open({ role: 'inspector', sessionId: c.sessionId }, supervisor.cookie);
      const phone = open({ role: 'applicant', token: c.token, lang: 'en' });
      await Promise.all([connected(console_), connected(watcher), connected(phone)]);

      const joined = await ask(console_, 'call:join', { rtpCapabilities: caps() });
      if (!joined.ok) throw new Error(joined.error.message);
      const walk = joined.data.walk as WalkView;
      expect(sorted(walk.points.map((p) => p.title))).toEqual(sorted(FOOD.points.map((p) => p.title.en)));
      expect(walk.blockers.length).toBeGreaterThan(0);
      expect(walk.blockers[0]).toMatch(/^“.+” has no result yet$/);
      expect(walk.blockers.join(' ')).not.toMatch(CJK);

      const phoneJoined = await ask(phone, 'call:join', { rtpCapabilities: caps() });
      if (!phoneJoined.ok) throw new Error(phoneJoined.error.message);
      const first = FOOD.points.find((p) => p.title.en === phoneJoined.data.prompt.title);
      expect(first).toBeDefined();
      expect(phoneJoined.data.prompt.prompt).toBe(first!.prompt.en);

      // One change, each page in its own language.
      const point = walk.points.find((p) => p.results.includes('fail') && p.evidence.minPhotos > 0) ?? walk.points[0]!;
      const [enState, zhState, enPrompt] = [next(console_, 'walk:state'), next(watcher, 'walk:state'), next(phone, 'walk:prompt')];
      const set = await ask(console_, 'walk:result', { key: point.key, result: point.results.includes('fail') ? 'fail' : point.results[0] });
      expect(set.ok).toBe(true);
      const [en, zh, prompt] = await Promise.all([enState, zhState, enPrompt]);
      expect(en.points.find((p) => p.key === point.key)!.title).toBe(point.title);
      expect(sorted(zh.points.map((p) => p.title))).toEqual(sorted(FOOD.points.map((p) => p.title['zh-CN'])));
      expect(en.blockers.join(' ')).not.toMatch(CJK);
      expect(zh.blockers.join(' ')).toMatch(CJK);
      if (point.evidence.minPhotos > 0) {
        expect(en.points.find((p) => p.key === point.key)!.evidenceGap).toMatch(/^needs \d+ photos?/);
        expect(zh.points.find((p) => p.key === point.key)!.evidenceGap).toMatch(/^需要 \d+ 张照片/);
      }
      expect(FOOD.points.some((p) => p.title.en === prompt?.title)).toBe(true);

      // Refusals in the ack: a bad result, an early close, an unknown event.
      const bad = await ask(console_, 'walk:result', { key: point.key, result: 'great' });
      expect(!bad.ok && bad.error.message).toBe('Invalid input: Result: not one of the allowed values');
      const close = await ask(console_, 'walk:close', { outcome: en.outcome.outcome, computed: en.outcome.outcome });
      expect(!close.ok && close.error.message).toMatch(/^The inspection cannot be closed yet: “.+” /);
      expect(!close.ok && close.error.message).not.toMatch(CJK);
      const zhClose = await ask(watcher, 'walk:close', { outcome: 'pass', computed: 'pass' });
      expect(!zhClose.ok && zhClose.error.message).toMatch(CJK);
      const unknown = await ask(console_, 'no:such:event', {});
      expect(!unknown.ok && unknown.error.message).toBe('Unknown message type');

      // The end of the call, worded for each page.
      const [enEnd, zhEnd, phoneEnd] = [next(console_, 'call:ended'), next(watcher, 'call:ended'), next(phone, 'call:ended')];
      expect((await ask(console_, 'call:end', {})).ok).toBe(true);
      expect(await enEnd).toEqual({ reason: 'interrupted', message: 'The inspector has paused this inspection and will contact you to continue.' });
      expect(await phoneEnd).toEqual({ reason: 'interrupted', message: 'The inspector has paused this inspection and will contact you to continue.' });
      expect((await zhEnd).message).toBe('审批人员已暂停本次勘验，稍后会与您联系继续。');

      // The history keeps the server's reason as sealed (zh-CN) and shows it in the reader's language.
      const history = async (headers: Record<string, string>) =>
        ((await (await fetch(`${srv.url}/api/sessions/${c.sessionId}`, { headers: { cookie, ...headers } })).json()) as { transitions: Array<{ to: string; reason?: string }> }).transitions.at(-1);
      expect(await history({ 'X-Kanyan-Lang': 'en' })).toMatchObject({ to: 'interrupted', reason: 'The call ended while the checklist was still open' });
      expect(await history({})).toMatchObject({ to: 'interrupted', reason: '检查清单未结束时结束了通话' });
    });
  });
});
