import { NotFound } from '../../platform/errors';
import { text } from '../../platform/Text';
import type { Store } from '../../store/Store';
import { buildTimeline } from './buildTimeline';
import type { SessionTimeline } from './SessionTimeline';

/** Reads one session's records from the store and builds its timeline (see buildTimeline). */
export async function loadSessionTimeline(store: Store, sessionId: string): Promise<SessionTimeline> {
  const session = await store.sessions.get(sessionId);
  if (!session) throw new NotFound(text('勘验不存在', 'No such inspection'), `session ${sessionId} not found`);
  const [walkEvents, evidence, fixes, transitions, segments] = await Promise.all([
    store.walks.events(sessionId),
    store.evidence.listBySession(sessionId),
    store.fixes.trace(sessionId),
    store.sessions.transitions(sessionId),
    store.segments.listBySession(sessionId),
  ]);
  return buildTimeline({ sessionId, caseId: session.caseId, walkEvents, evidence, fixes, transitions, segments });
}
