import type { CaseService } from './CaseService';
import type { JoinLinks } from './JoinLinks';

const DEMO_CREATOR = 'system:demo';

/**
 * Makes sure the demo case exists and has an open session, and issues a fresh join link for it,
 * so a first-time user can try the call straight from the start banner.
 */
export async function demoJoinToken(cases: CaseService, links: JoinLinks): Promise<string> {
  const existing = (await cases.list(1000)).find((c) => c.createdBy === DEMO_CREATOR);
  if (!existing) {
    const created = await cases.create(
      {
        businessName: '示例餐饮店（演示）',
        permitTypes: ['food_business', 'public_hygiene'],
        address: { text: '北京市东城区示例胡同1号', lat: 39.92893, lon: 116.41642 },
      },
      DEMO_CREATOR,
    );
    return created.token;
  }
  const detail = await cases.detail(existing.id);
  const open = detail.sessions.filter((s) => s.status !== 'ended').at(-1) ?? (await cases.openSession(existing));
  return (await links.issue(existing.id, open.id)).token;
}
