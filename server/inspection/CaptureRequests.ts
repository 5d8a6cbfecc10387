import { Conflict, NotFound } from '../platform/errors';
import { text } from '../platform/Text';
import type { TypedEvents } from '../platform/TypedEvents';
import type { CaptureProgress } from '../protocol/signaling';
import type { InspectionEvents } from './InspectionEvents';
import type { InspectionLifecycle } from './InspectionLifecycle';
import type { InspectionWalks } from './InspectionWalks';
import { acceptsWalkChanges } from './SessionState';

/** Issues the one-time ticket a camera photo must carry back (see evidence/CaptureTickets). */
export interface TicketIssuer {
  issue(sessionId: string, pointKey: string, issuedBy: string): Promise<{ id: string }>;
}

/** The inspector asks the phone for a full-resolution photo of a point; the phone reports how it goes. */
export class CaptureRequests {
  constructor(
    private readonly lifecycle: InspectionLifecycle,
    private readonly walks: InspectionWalks,
    private readonly tickets: TicketIssuer,
    private readonly events: TypedEvents<InspectionEvents>,
  ) {}

  async request(sessionId: string, pointKey: string, actor: string): Promise<void> {
    const { session } = await this.lifecycle.session(sessionId);
    if (!acceptsWalkChanges(session.state)) throw new Conflict(text('检查清单已结束，不能再请求拍照', 'The checklist is closed; no more photos can be requested'), `session is ${session.state}`);
    await this.requirePoint(sessionId, pointKey);
    const ticket = await this.tickets.issue(sessionId, pointKey, actor);
    this.events.emit('capture.requested', { sessionId, ask: { pointKey, captureId: ticket.id } });
  }

  async progress(sessionId: string, progress: CaptureProgress): Promise<void> {
    await this.requirePoint(sessionId, progress.pointKey);
    this.events.emit('capture.progress', { sessionId, progress });
  }

  private async requirePoint(sessionId: string, pointKey: string): Promise<void> {
    if (!(await this.walks.walk(sessionId)).plan.points.some((p) => p.key === pointKey)) throw new NotFound(text('检查项不存在', 'No such checklist point'), `unknown point ${pointKey}`);
  }
}
