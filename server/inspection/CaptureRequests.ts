import { Conflict, NotFound } from '../platform/errors';
import { text } from '../platform/Text';
import type { TypedEvents } from '../platform/TypedEvents';
import type { CaptureAsked, CaptureChallenge, CaptureProgress } from '../protocol/signaling';
import type { InspectionEvents } from './InspectionEvents';
import type { InspectionLifecycle } from './InspectionLifecycle';
import type { InspectionWalks } from './InspectionWalks';
import { acceptsWalkChanges } from './SessionState';

/** Issues the one-time ticket a camera photo must carry back (see evidence/CaptureTickets). */
export interface TicketIssuer {
  /** `challenge`: the point asks for a fresh code in the picture (template flag evidence.challengeCode). */
  issue(sessionId: string, pointKey: string, issuedBy: string, opts?: { challenge: boolean }): Promise<{ id: string; challenge?: CaptureChallenge }>;
}

/** The inspector asks the phone for a full-resolution photo of a point; the phone reports how it goes. */
export class CaptureRequests {
  constructor(
    private readonly lifecycle: InspectionLifecycle,
    private readonly walks: InspectionWalks,
    private readonly tickets: TicketIssuer,
    private readonly events: TypedEvents<InspectionEvents>,
  ) {}

  /** Asks the phone for the photo; on a challenge point, the console is told the code it issued. */
  async request(sessionId: string, pointKey: string, actor: string): Promise<CaptureAsked> {
    const { session } = await this.lifecycle.session(sessionId);
    if (!acceptsWalkChanges(session.state)) throw new Conflict(text('检查清单已结束，不能再请求拍照', 'The checklist is closed; no more photos can be requested'), `session is ${session.state}`);
    const point = await this.requirePoint(sessionId, pointKey);
    const ticket = await this.tickets.issue(sessionId, pointKey, actor, { challenge: point.evidence.challengeCode === true });
    this.events.emit('capture.requested', { sessionId, ask: { pointKey, captureId: ticket.id, ...(ticket.challenge ? { challenge: ticket.challenge } : {}) } });
    return { challenge: ticket.challenge ?? null };
  }

  async progress(sessionId: string, progress: CaptureProgress): Promise<void> {
    await this.requirePoint(sessionId, progress.pointKey);
    this.events.emit('capture.progress', { sessionId, progress });
  }

  private async requirePoint(sessionId: string, pointKey: string) {
    const point = (await this.walks.walk(sessionId)).plan.points.find((p) => p.key === pointKey);
    if (!point) throw new NotFound(text('检查项不存在', 'No such checklist point'), `unknown point ${pointKey}`);
    return point;
  }
}
