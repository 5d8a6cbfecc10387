import { testJpeg } from './images';
import { apiCall, asInspectorInCall, uploadFrame } from './office';
import { uploadPhoto } from './photoUpload';
import type { RunningServer } from './testServer';

/** The registered address of the shop, and where its phone stood for each photo. */
export const SHOP = { text: '北京市东城区测试胡同12号', lat: 39.92893, lon: 116.41642 };
export const NEAR = { lat: 39.92902, lon: 116.41642, accuracy: 5 }; // about 10 m away
export const FAR = { lat: 39.935, lon: 116.41642, accuracy: 8 }; // about 675 m away

export const SIGNBOARD = 'common.signboard_address';
export const EXTINGUISHERS = 'common.fire_extinguishers';
export const FAILED_NOTE = '灭火器压力表指针在红区，检验标签已过期';
export const SIGNBOARD_NOTE = '招牌名称与营业执照一致';
export const RECTIFY_NOTE = '进货查验记录缺少近两周的登记';

export interface ClosedInspection {
  caseId: string;
  caseNumber: string;
  sessionId: string;
  /** The point left for rectification (no photo needed). */
  rectifyKey: string;
  /** Original evidence ids: two phone photos of the signboard (near, far), one of the extinguishers, and a frame grab of them. */
  photos: { signboardNear: string; signboardFar: string; extinguishers: string; frame: string };
}

/**
 * A food-business case inspected to the end through the server's real doors, as an office would:
 * the case opened over HTTP, phone photos uploaded through the join link with their fixes, a frame
 * grabbed by the inspector, the checklist walked over the socket (the signboard passes, the fire
 * extinguishers fail, one record is left for rectification, the rest need an on-site check), the
 * department's sign-off, and the close. The session is sealed when this returns.
 */
export async function closedInspection(srv: RunningServer, cookie: string, businessName: string, address = SHOP): Promise<ClosedInspection> {
  const opened = await apiCall(srv.url, 'POST', '/api/cases', cookie, { businessName, permitTypes: ['food_business'], address });
  const sessionId: string = opened.session.id;
  const link = { sessionId, token: String(opened.joinUrl).split('/j/')[1]! };
  return asInspectorInCall(srv, cookie, sessionId, async (send) => {
    // A small restaurant: no cold dishes or raw seafood, so those rooms do not apply.
    const facts = (await srv.server.walks.view(sessionId)).facts;
    const form = facts.find((f) => f.key === 'business_form');
    await send('walk:fact', { fact: 'business_form', value: form?.values?.find((v) => v !== 'canteen') ?? form?.values?.[0] });
    await send('walk:fact', { fact: 'seating_capacity', value: 30 });
    await send('walk:fact', { fact: 'serves_cold_dishes', value: false });
    await send('walk:fact', { fact: 'serves_raw_seafood', value: false });

    // Each photo a picture of its own: the same bytes again would be flagged as reused and not count.
    const photo = async (point: string, at: typeof NEAR) => {
      const now = Date.now();
      const r = await uploadPhoto(srv, link, point, await testJpeg(1600, 1200), { lat: at.lat, lon: at.lon, accuracy: at.accuracy, fixTime: now - 3000, deviceTime: now });
      if (r.status !== 201 || !r.body.evidenceId) throw new Error(`photo upload: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.evidenceId;
    };
    const photos = {
      signboardNear: await photo(SIGNBOARD, NEAR),
      signboardFar: await photo(SIGNBOARD, FAR),
      extinguishers: await photo(EXTINGUISHERS, NEAR),
      frame: (await uploadFrame(srv.url, cookie, sessionId, EXTINGUISHERS, await testJpeg(1600, 1200))).evidenceId,
    };

    const points = (await srv.server.walks.view(sessionId)).points.filter((p) => p.applies);
    const toRectify = points.find((p) => p.evidence.minPhotos === 0 && p.evidence.minVideoSeconds === 0 && p.results.includes('needs_rectification'));
    if (!toRectify) throw new Error('no point that can be rectified without a photo');
    for (const p of points) {
      if (p.key === SIGNBOARD) await send('walk:result', { key: p.key, result: 'pass', note: SIGNBOARD_NOTE });
      else if (p.key === EXTINGUISHERS) await send('walk:result', { key: p.key, result: 'fail', note: FAILED_NOTE });
      else if (p === toRectify) await send('walk:result', { key: p.key, result: 'needs_rectification', note: RECTIFY_NOTE });
      else await send('walk:result', { key: p.key, result: 'onsite_required' });
    }
    for (const permit of (await srv.server.walks.view(sessionId)).outcome.permits) await send('walk:sign', { permitType: permit.permitType });
    const { outcome } = (await srv.server.walks.view(sessionId)).outcome;
    await send('walk:close', { outcome, computed: outcome });
    const { session } = await srv.server.lifecycle.session(sessionId);
    if (session.state !== 'sealed') throw new Error(`session is ${session.state} after closing its checklist`);
    return { caseId: opened.caseRecord.id, caseNumber: opened.caseRecord.caseNumber, sessionId, rectifyKey: toRectify.key, photos };
  });
}
