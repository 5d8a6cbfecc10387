import type { types } from 'mediasoup';
import type { z } from 'zod';
import type { InspectionCall } from '../call/InspectionCall';
import { NotFound } from '../platform/errors';
import {
  CameraRequest,
  CameraState,
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
} satisfies { [E in Exclude<keyof ClientToServerEvents, 'call:join'>]: Handler<z.ZodTypeAny, unknown> };

export function requireCall(ctx: HandlerContext): InspectionCall {
  if (!ctx.call || ctx.call.closed) throw new NotFound('请先加入通话', 'not in a call');
  return ctx.call;
}
