import type http from 'node:http';
import type https from 'node:https';
import type { types } from 'mediasoup';
import { Server, type Socket } from 'socket.io';
import type { CallRegistry } from '../call/CallRegistry';
import type { CallLink } from '../call/CallLink';
import type { CaptureTickets } from '../evidence/CaptureTickets';
import type { InspectionWalks } from '../inspection/InspectionWalks';
import { AppError, Invalid, toWireError } from '../platform/errors';
import { parseInput as parse } from '../protocol/parseInput';
import type { Logger } from '../platform/logger';
import { JoinRequest, type ClientToServerEvents, type ServerToClientEvents } from '../protocol/signaling';
import { authenticate, type AuthDeps } from './authenticate';
import { IN_CALL_HANDLERS, requireCall, type HandlerContext } from './handlers';
import type { PageIdentity } from './PageIdentity';

interface SocketData {
  identity: PageIdentity;
}

type PageSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

// A page sends a few messages a second; hundreds mean a bug or abuse.
const MAX_EVENTS_PER_SECOND = 100;

/** The socket.io adapter: authenticates pages, parses every message, and calls the call domain. */
export class SignalingServer {
  private readonly io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

  constructor(
    httpServer: http.Server | https.Server,
    private readonly registry: CallRegistry,
    private readonly walks: InspectionWalks,
    private readonly captures: CaptureTickets,
    private readonly authDeps: AuthDeps,
    private readonly log: Logger,
  ) {
    this.io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 256 * 1024, pingInterval: 5000, pingTimeout: 5000 });
    this.io.use((socket, next) => {
      const address = socket.handshake.address;
      authenticate(this.authDeps, socket.handshake.auth, socket.handshake.headers.cookie, address)
        .then((identity) => {
          socket.data.identity = identity;
          next();
        })
        .catch((err: unknown) => {
          const wire = toWireError(err);
          if (!(err instanceof AppError)) this.log.error({ err }, 'socket authentication failed');
          next(Object.assign(new Error(wire.message), { data: wire }));
        });
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
  }

  private onConnection(socket: PageSocket): void {
    const identity = socket.data.identity;
    const log = this.log.child({ sessionId: identity.sessionId, role: identity.role, peerId: socket.id });
    const ctx: HandlerContext = {
      peerId: socket.id,
      call: undefined,
      sessionId: identity.sessionId,
      actor: identity.role === 'inspector' ? identity.inspector.username : 'applicant',
      walks: this.walks,
      captures: this.captures,
    };
    const link: CallLink = {
      send: (event, ...args) => socket.emit(event, ...args),
      hangUp: () => {
        // Let the last message flush before the transport closes.
        setImmediate(() => socket.disconnect(true));
      },
    };
    let windowStart = Date.now();
    let eventsInWindow = 0;

    const respond = (event: string, args: unknown[], work: (raw: unknown) => Promise<unknown>) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as (r: unknown) => void) : undefined;
      const raw = ack && args.length === 1 ? undefined : args[0];
      const now = Date.now();
      if (now - windowStart > 1000) {
        windowStart = now;
        eventsInWindow = 0;
      }
      if (++eventsInWindow > MAX_EVENTS_PER_SECOND) {
        socket.emit('protocol:error', { code: 'rate_limited', message: '消息过于频繁，连接已断开', event });
        socket.disconnect(true);
        return;
      }
      work(raw)
        .then((data) => ack?.({ ok: true, data }))
        .catch((err: unknown) => {
          const wire = toWireError(err);
          if (!(err instanceof AppError)) log.error({ err, event }, 'signaling handler failed');
          else log.debug({ err: err.message, event }, 'signaling request rejected');
          if (err instanceof Invalid || !ack) socket.emit('protocol:error', { ...wire, event });
          ack?.({ ok: false, error: wire });
        });
    };

    socket.on('call:join', (...args: unknown[]) =>
      respond('call:join', args, async (raw) => {
        const req = parse(JoinRequest, raw);
        if (ctx.call && !ctx.call.closed) throw new Invalid('已经在通话中', 'duplicate join');
        const call = await this.registry.getOrCreate(identity.sessionId, identity.caseRecord);
        const result = await call.join({
          peerId: socket.id,
          role: identity.role,
          link,
          rtpCapabilities: req.rtpCapabilities as unknown as types.RtpCapabilities,
          joinLinkId: identity.role === 'applicant' ? identity.linkId : undefined,
        });
        ctx.call = call;
        log.info('joined call');
        result.prompt = await this.walks.prompt(identity.sessionId);
        if (identity.role === 'inspector') result.walk = await this.walks.view(identity.sessionId);
        return result;
      }),
    );

    for (const [event, h] of Object.entries(IN_CALL_HANDLERS)) {
      socket.on(event as keyof ClientToServerEvents, (...args: unknown[]) =>
        respond(event, args, async (raw) => {
          const req = parse(h.schema, raw);
          const call = requireCall(ctx);
          return (h.run as (c: HandlerContext & { call: typeof call }, r: unknown) => unknown)({ ...ctx, call }, req);
        }),
      );
    }

    socket.onAny((event: string) => {
      if (event !== 'call:join' && !(event in IN_CALL_HANDLERS)) {
        socket.emit('protocol:error', { code: 'invalid', message: '未知的消息类型', event });
      }
    });

    socket.on('disconnect', (reason) => {
      log.info({ reason }, 'page disconnected');
      ctx.call?.leave(socket.id);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}
