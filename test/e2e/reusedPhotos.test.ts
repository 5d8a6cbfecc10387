import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { consoleWalk, openCaseInConsole, openPoint, waitForPhotos } from '../support/inspectionPages';
import { apiCall, uploadFrame } from '../support/office';
import { sceneJpeg } from '../support/sceneImages';
import { checkState, CLEAN } from '../support/screens';
import { loginCookie, startTestServer, type RunningServer } from '../support/testServer';

const REGISTERED = { text: '北京市东城区测试胡同9号', lat: 39.92893, lon: 116.41642 };

describe('a reused photo on the console', () => {
  let srv: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    srv = await startTestServer({ PHOTO_REUSE_NEAR_BITS: '10' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it('warns that it repeats a photo of another case, does not count it, and counts it once accepted with a reason', async () => {
    const scene = await sceneJpeg(31);
    // An earlier case holds the picture first.
    const cookie = await loginCookie(srv.url);
    const earlier = await apiCall(srv.url, 'POST', '/api/cases', cookie, { businessName: '旧案面馆', permitTypes: ['food_business'], address: REGISTERED });
    // A point needing one photo and no distance (a frame grab carries no position).
    const POINT = (await srv.server.walks.view(earlier.session.id)).points.find((p) => p.applies && p.evidence.minPhotos === 1 && p.evidence.maxDistanceM === undefined)!.key;
    await uploadFrame(srv.url, cookie, earlier.session.id, POINT, scene);
    const earlierNumber: string = earlier.caseRecord.caseNumber;

    const { sessionId, inspector, close } = await openCaseInConsole(srv, browser, '新案面馆', REGISTERED);
    await inspector.waitForSelector('.point-list');
    await openPoint(inspector, POINT);
    const photo = await uploadFrame(srv.url, cookie, sessionId, POINT, scene);
    await waitForPhotos(inspector, POINT, 1);

    const notice = `.reuse-notice[data-evidence-id="${photo.evidenceId}"]`;
    await inspector.waitForSelector(notice);
    expect(await inspector.textContent(notice)).toContain(`第 1 张照片与案件 ${earlierNumber} 的第 1 张照片相同`);
    expect(await inspector.textContent(notice)).toContain('暂不计入');
    await inspector.waitForSelector(`.thumb.reused[data-evidence-id="${photo.evidenceId}"] .reuse-badge`);
    expect((await consoleWalk(inspector))!.points.find((p) => p.key === POINT)!.evidenceGap).toContain('已有 0 张');
    expect(await checkState(inspector, 'reuse-flagged-1366', [notice, `${notice} .reuse-accept`])).toEqual(CLEAN);

    await inspector.click(`${notice} .reuse-accept`);
    await inspector.waitForSelector(`${notice} textarea.reuse-reason`);
    // Without a reason nothing is sent: the form says what is missing.
    await inspector.click(`${notice} .reuse-confirm`);
    await inspector.waitForFunction((sel) => document.querySelector(`${sel} .reuse-problem`)?.textContent?.includes('请填写采用理由'), notice);
    expect(await checkState(inspector, 'reuse-accept-form-1366', [`${notice} textarea.reuse-reason`, `${notice} .reuse-confirm`])).toEqual(CLEAN);

    const reason = '同一门店复验，现场核实许可证未变';
    await inspector.fill(`${notice} textarea.reuse-reason`, reason);
    await inspector.click(`${notice} .reuse-confirm`);
    await inspector.waitForSelector(`${notice}.accepted`);
    expect(await inspector.textContent(notice)).toContain(`采用：${reason}`);
    expect(await inspector.$(`.thumb.reused[data-evidence-id="${photo.evidenceId}"]`)).toBeNull();
    expect((await consoleWalk(inspector))!.points.find((p) => p.key === POINT)!.evidenceGap).toBeUndefined();
    expect(await checkState(inspector, 'reuse-accepted-1366', [notice])).toEqual(CLEAN);

    const events = await srv.server.walks.eventLog(sessionId);
    expect(events.filter((e) => e.type === 'reuse_accepted')).toEqual([expect.objectContaining({ evidenceId: photo.evidenceId, reason })]);
    await close();
  });
});
