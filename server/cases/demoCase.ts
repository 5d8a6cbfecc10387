import type { StaffMember } from '../accounts/Account';
import type { CaseIntake } from '../inspection/CaseIntake';
import type { InspectionLifecycle } from '../inspection/InspectionLifecycle';
import type { SessionLinks } from '../inspection/SessionLinks';
import { acceptsCall } from '../inspection/SessionState';
import type { CaseService } from './CaseService';

const DEMO_CREATOR = 'system:demo';

/**
 * Makes sure the demo case exists, assigned to the first admin, with a session that can hold a
 * call, and issues a fresh join link for it, so a first-time user can try the call from the banner.
 */
export async function demoJoinToken(cases: CaseService, intake: CaseIntake, lifecycle: InspectionLifecycle, links: SessionLinks, admin: StaffMember): Promise<string> {
  const existing = (await cases.list(1000)).find((c) => c.createdBy === DEMO_CREATOR);
  if (!existing) {
    const opened = await intake.open(
      {
        businessName: '示例餐饮店（演示）',
        permitTypes: ['food_business', 'public_hygiene'],
        address: { text: '北京市东城区示例胡同1号', lat: 39.92893, lon: 116.41642 },
      },
      { ...admin, username: DEMO_CREATOR },
    );
    return opened.token;
  }
  const sessions = await lifecycle.sessionsOf(existing.id);
  const open = sessions.filter((s) => acceptsCall(s.state)).at(-1) ?? (await lifecycle.schedule(existing, DEMO_CREATOR));
  await cases.assign(existing.id, admin.id, DEMO_CREATOR);
  return (await links.issue(open.id, DEMO_CREATOR)).token;
}
