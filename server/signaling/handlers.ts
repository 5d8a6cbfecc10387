import type { types } from 'mediasoup';
import type { z } from 'zod';
import type { InspectionCall } from '../call/InspectionCall';
import type { WalkEventBody } from '../checklist/WalkEvent';
import type { CaptureTickets } from '../evidence/CaptureTickets';
import type { InspectionWalks } from '../inspection/InspectionWalks';
import { Forbidden, NotFound } from '../platform/errors';
import { AnswerFactRequest, CloseWalkRequest, OpenPointRequest, SetNoteRequest, SetResultRequest, SignPermitRequest } from '../protocol/walk';
import {
  CameraRequest,
  CameraState,
  CaptureProgress,
  CaptureRequest,
  ConnectTransportRequest,
  EndCallRequest,
  PositionReport,
  ProduceRequest,
  ResumeConsumerRequest,
  type ClientToServerEvents,
} from '../protocol/signaling';

export interface HandlerContext {
  peerId: string;
  call: InspectionCall | undefined;
  sessionId: string;
  /** Who is acting, as recorded in the walk's events (inspector username). */
  actor: string;
  walks: InspectionWalks;
  captures: CaptureTickets;
}

interface Handler<S extends z.ZodTypeAny, R> {
  schema: S;
  run(ctx: HandlerContext & { call: InspectionCall }, req: z.infer<S>): Promise<R> | R;
}

function handler<S extends z.ZodTypeAny, R>(schema: S, run: Handler<S, R>['run']): Handler<S, R> {
  return { schema, run };
}

/**
 * Every in-call request: its schema and what it asks of the call. `call:join` is handled by the
 * server itself because it creates the call membership these handlers need.
 */
export const IN_CALL_HANDLERS = {
  'transport:connect': handler(ConnectTransportRequest, async ({ call, peerId }, req) => {
    await call.connectTransport(peerId, req.transportId, req.dtlsParameters as unknown as types.DtlsParameters);
    return null;
  }),
  'transport:produce': handler(ProduceRequest, async ({ call, peerId }, req) => ({
    producerId: await call.produce(peerId, req.transportId, req.kind, req.rtpParameters as unknown as types.RtpParameters, req.source),
  })),
  'consumer:resume': handler(ResumeConsumerRequest, async ({ call, peerId }, req) => {
    await call.resumeConsumer(peerId, req.consumerId);
    return null;
  }),
  position: handler(PositionReport, ({ call, peerId }, req) => call.reportPosition(peerId, req)),
  'camera:request': handler(CameraRequest, ({ call, peerId }, req) => {
    call.requestCamera(peerId, req);
    return null;
  }),
  'camera:state': handler(CameraState, ({ call, peerId }, req) => {
    call.reportCamera(peerId, req);
    return null;
  }),
  'call:end': handler(EndCallRequest, async ({ call, peerId }, req) => {
    await call.finish(peerId, req.reason);
    return null;
  }),
  'capture:request': handler(CaptureRequest, async ({ call, peerId, captures, sessionId, actor, walks }, req) => {
    await call.requestCapture(peerId, req, async () => {
      if (!(await walks.walk(sessionId)).plan.points.some((p) => p.key === req.pointKey)) throw new NotFound('检查项不存在', `unknown point ${req.pointKey}`);
      return (await captures.issue(sessionId, req.pointKey, actor)).id;
    });
    return null;
  }),
  'capture:progress': handler(CaptureProgress, ({ call, peerId }, req) => {
    call.captureProgress(req, peerId);
    return null;
  }),
  'walk:open': handler(OpenPointRequest, (ctx, req) => walkChange(ctx, { type: 'point_opened', key: req.key })),
  'walk:result': handler(SetResultRequest, (ctx, req) => walkChange(ctx, { type: 'result_set', key: req.key, result: req.result, note: req.note || undefined })),
  'walk:note': handler(SetNoteRequest, (ctx, req) => walkChange(ctx, { type: 'note_set', key: req.key, note: req.note })),
  'walk:fact': handler(AnswerFactRequest, (ctx, req) => walkChange(ctx, { type: 'fact_answered', fact: req.fact, value: req.value })),
  'walk:sign': handler(SignPermitRequest, (ctx, req) => walkChange(ctx, { type: 'permit_signed', permitType: req.permitType })),
  'walk:close': handler(CloseWalkRequest, async (ctx, req) => {
    requireInspector(ctx);
    await ctx.walks.close(ctx.sessionId, req, ctx.actor);
    await publishWalk(ctx);
    return null;
  }),
} satisfies { [E in Exclude<keyof ClientToServerEvents, 'call:join'>]: Handler<z.ZodTypeAny, unknown> };

function requireInspector(ctx: HandlerContext & { call: InspectionCall }): void {
  if (!ctx.call.isInspector(ctx.peerId)) throw new Forbidden('只有审批人员可以填写检查清单', 'walk changes are for inspectors');
}

async function publishWalk(ctx: HandlerContext & { call: InspectionCall }): Promise<void> {
  ctx.call.publishWalk(await ctx.walks.view(ctx.sessionId), await ctx.walks.prompt(ctx.sessionId));
}

async function walkChange(ctx: HandlerContext & { call: InspectionCall }, body: WalkEventBody): Promise<null> {
  requireInspector(ctx);
  await ctx.walks.record(ctx.sessionId, body, ctx.actor);
  await publishWalk(ctx);
  return null;
}

export function requireCall(ctx: HandlerContext): InspectionCall {
  if (!ctx.call || ctx.call.closed) throw new NotFound('请先加入通话', 'not in a call');
  return ctx.call;
}
