import type { types } from 'mediasoup';
import type { z } from 'zod';
import type { Action } from '../accounts/authorize';
import type { InspectionCall } from '../call/InspectionCall';
import type { WalkEventBody } from '../checklist/WalkEvent';
import type { CaptureRequests } from '../inspection/CaptureRequests';
import type { InspectionLifecycle } from '../inspection/InspectionLifecycle';
import { Forbidden, Unavailable } from '../platform/errors';
import { text } from '../platform/Text';
import { AcceptReuseRequest, AnswerFactRequest, CloseWalkRequest, OpenPointRequest, SetNoteRequest, SetResultRequest, SignPermitRequest } from '../protocol/walk';
import {
  CameraRequest,
  CameraState,
  CaptureProgress,
  CaptureRequest,
  ConnectTransportRequest,
  EndCallRequest,
  LeaveCallRequest,
  PointVideoRequest,
  PositionReport,
  ProduceRequest,
  ResumeConsumerRequest,
  type ClientToServerEvents,
} from '../protocol/signaling';
import type { PointVideos } from '../recording/clips/PointVideos';
import { actorName, type PageIdentity } from './PageIdentity';

export interface HandlerContext {
  peerId: string;
  identity: PageIdentity;
  call: InspectionCall;
  lifecycle: InspectionLifecycle;
  captures: CaptureRequests;
  /** Points' video evidence; absent when the server records nothing. */
  pointVideos?: Pick<PointVideos, 'mark'>;
}

/**
 * Who may send an event: any page in the call, only the phone, or only an inspector working the
 * case. `sign` also needs the department of the permit in the message; `accept_reuse` counts a reused photo.
 */
export type Access = 'participant' | 'applicant' | 'inspector' | 'sign' | 'accept_reuse';

interface Handler<S extends z.ZodTypeAny, R> {
  schema: S;
  access: Access;
  run(ctx: HandlerContext, req: z.infer<S>): Promise<R> | R;
}

function handler<S extends z.ZodTypeAny, R>(schema: S, access: Access, run: Handler<S, R>['run']): Handler<S, R> {
  return { schema, access, run };
}

/** The `authorize` action an event needs from this page, or Forbidden when its kind may never send it. */
export function actionFor(access: Access, identity: PageIdentity): Action {
  if (identity.kind === 'applicant') {
    if (access === 'participant' || access === 'applicant') return 'applicant.join';
    throw new Forbidden(text('此链接无权进行该操作', 'This link may not do that'), `applicant may not send ${access} events`);
  }
  if (access === 'applicant') throw new Forbidden(text('只有申请人的手机可以发送此消息', 'Only the applicant’s phone may send this message'), 'staff sent an applicant event');
  if (access === 'participant') return identity.callRole === 'observer' ? 'session.observe' : 'session.join';
  if (access === 'accept_reuse') return 'evidence.accept_reuse';
  return access === 'sign' ? 'session.sign' : 'session.work';
}

/**
 * Every in-call request: its schema, who may send it, and what it asks of the domain. `call:join`
 * is handled by the server itself because it creates the call membership these handlers need.
 */
export const IN_CALL_HANDLERS = {
  'transport:connect': handler(ConnectTransportRequest, 'participant', async ({ call, peerId }, req) => {
    await call.connectTransport(peerId, req.transportId, req.dtlsParameters as unknown as types.DtlsParameters);
    return null;
  }),
  'transport:produce': handler(ProduceRequest, 'participant', async ({ call, peerId }, req) => ({
    producerId: await call.produce(peerId, req.transportId, req.kind, req.rtpParameters as unknown as types.RtpParameters, req.source),
  })),
  'consumer:resume': handler(ResumeConsumerRequest, 'participant', async ({ call, peerId }, req) => {
    await call.resumeConsumer(peerId, req.consumerId);
    return null;
  }),
  position: handler(PositionReport, 'applicant', ({ call, peerId }, req) => call.reportPosition(peerId, req)),
  'camera:request': handler(CameraRequest, 'inspector', ({ call, peerId }, req) => {
    call.requestCamera(peerId, req);
    return null;
  }),
  'camera:state': handler(CameraState, 'applicant', ({ call, peerId }, req) => {
    call.reportCamera(peerId, req);
    return null;
  }),
  // A phone that hangs up is gone at once; only a dropped connection gets the reconnection grace.
  'call:leave': handler(LeaveCallRequest, 'applicant', ({ call, peerId }) => {
    call.leave(peerId, { hungUp: true });
    return null;
  }),
  'call:end': handler(EndCallRequest, 'inspector', async ({ lifecycle, identity }, req) => {
    await lifecycle.endCall(identity.sessionId, actorName(identity), req.reason);
    return null;
  }),
  'capture:request': handler(CaptureRequest, 'inspector', async ({ call, captures, identity }, req) => {
    call.requireApplicant();
    return captures.request(identity.sessionId, req.pointKey, actorName(identity));
  }),
  'capture:progress': handler(CaptureProgress, 'applicant', async ({ captures, identity }, req) => {
    await captures.progress(identity.sessionId, req);
    return null;
  }),
  // "Record this point": each recorded stretch between start and stop becomes the point's clip.
  'point:video': handler(PointVideoRequest, 'inspector', ({ pointVideos, identity }, req) => {
    if (!pointVideos) throw new Unavailable(text('本服务器未开启录像，不能录制本项视频', 'Recording is off on this server, so a point cannot be recorded'), 'point videos not wired');
    return pointVideos.mark(identity.sessionId, req.key, req.record, actorName(identity));
  }),
  'walk:open': handler(OpenPointRequest, 'inspector', (ctx, req) => walkChange(ctx, { type: 'point_opened', key: req.key })),
  'walk:result': handler(SetResultRequest, 'inspector', (ctx, req) => walkChange(ctx, { type: 'result_set', key: req.key, result: req.result, note: req.note || undefined })),
  'walk:note': handler(SetNoteRequest, 'inspector', (ctx, req) => walkChange(ctx, { type: 'note_set', key: req.key, note: req.note })),
  'walk:fact': handler(AnswerFactRequest, 'inspector', (ctx, req) => walkChange(ctx, { type: 'fact_answered', fact: req.fact, value: req.value })),
  'walk:sign': handler(SignPermitRequest, 'sign', (ctx, req) => walkChange(ctx, { type: 'permit_signed', permitType: req.permitType })),
  'walk:accept_reuse': handler(AcceptReuseRequest, 'accept_reuse', (ctx, req) => walkChange(ctx, { type: 'reuse_accepted', key: req.key, evidenceId: req.evidenceId, reason: req.reason })),
  'walk:close': handler(CloseWalkRequest, 'inspector', async ({ lifecycle, identity }, req) => {
    await lifecycle.closeWalk(identity.sessionId, req, actorName(identity));
    return null;
  }),
} satisfies { [E in Exclude<keyof ClientToServerEvents, 'call:join'>]: Handler<z.ZodTypeAny, unknown> };

async function walkChange(ctx: HandlerContext, body: WalkEventBody): Promise<null> {
  await ctx.lifecycle.changeWalk(ctx.identity.sessionId, body, actorName(ctx.identity));
  return null;
}
