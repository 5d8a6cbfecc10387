import type { CaptureAsk, CaptureProgress } from '../protocol/signaling';
import type { SessionTransition } from './SessionTransition';

/** A stored lifecycle step, announced with the case it belongs to. */
export type StateChange = Omit<SessionTransition, 'seq'> & { caseId: string };

/**
 * What happens to an inspection, as typed domain events. The transports subscribe (socket.io
 * forwards to the session's room); recording, reports and replay will hang off the same events.
 */
export interface InspectionEvents {
  'state.changed': [change: StateChange];
  /** The checklist changed: pages re-render it. */
  'walk.changed': [sessionId: string];
  /** A photo or frame was taken in (stamped and chained). */
  'evidence.accepted': [e: { sessionId: string; pointKey: string; evidenceId: string; stampedId: string; requestId?: string }];
  'capture.requested': [e: { sessionId: string; ask: CaptureAsk }];
  'capture.progress': [e: { sessionId: string; progress: CaptureProgress }];
  'link.revoked': [e: { sessionId: string; linkId: string; reason: string }];
  'session.sealed': [e: { sessionId: string; caseId: string; recordHash: string }];
}
