import type { Store } from '../store/Store';

/** Names in the logs that are not staff accounts. */
const NOT_STAFF = new Set(['applicant', 'system']);

/**
 * Who did the inspection, as staff usernames: whoever changed its checklist (results, facts,
 * sign-offs, the close), grabbed a frame or asked for a point's clip, or spoke in its call as an
 * inspector (a recorded inspector microphone). Read from what the session stored, so it holds after
 * a restart. A supervisor who only watched (旁听) or interrupted a stuck call is not among them.
 */
export async function inspectedBy(store: Store, sessionId: string): Promise<string[]> {
  const [events, evidence, segments] = await Promise.all([store.walks.events(sessionId), store.evidence.listBySession(sessionId), store.segments.listBySession(sessionId)]);
  const names = new Set<string>();
  for (const e of events) names.add(e.actor);
  for (const item of evidence) if (item.grade === 'frame' || item.grade === 'clip') names.add(item.capturedBy);
  // A recorded microphone names its inspector by account id.
  for (const id of new Set(segments.filter((s) => s.track === 'inspector').map((s) => s.peer))) {
    const account = await store.accounts.get(id);
    if (account) names.add(account.username);
  }
  return [...names].filter((n) => !NOT_STAFF.has(n)).sort();
}
