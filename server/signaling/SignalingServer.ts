import type http from 'node:http';
import type https from 'node:https';
import type { types } from 'mediasoup';
import { Server, type Socket } from 'socket.io';
import type { AccountService } from '../accounts/AccountService';
import type { CaseService } from '../cases/CaseService';
import type { CallRegistry } from '../call/CallRegistry';
import type { InspectionCall } from '../call/InspectionCall';
import type { CaptureRequests } from '../inspection/CaptureRequests';
import type { InspectionWalks } from '../inspection/InspectionWalks';
import type { PointVideos } from '../recording/clips/PointVideos';
import { LINK_REVOKED } from '../inspection/SessionLinks';
import { AppError, Gone, Invalid, NotFound, toWireError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { LANGS, pickLang, text, type Lang } from '../platform/Text';
import { parseInput as parse } from '../protocol/parseInput';
import { JoinRequest, type ClientToServerEvents, type EndReason, type ServerToClientEvents } from '../protocol/signaling';
import { socketOriginGate } from '../http/originCheck';
import { authenticate, type AuthDeps } from './authenticate';
import { END_MESSAGES } from './endMessages';
import { actionFor, IN_CALL_HANDLERS, type HandlerContext } from './handlers';
import { actorOf, type PageIdentity } from './PageIdentity';
import { roomOf } from './rooms';

interface SocketData {
  identity: PageIdentity;
  /** The page's language, chosen once at the handshake: every message with words to this socket uses it. */
  lang: Lang;
}

type PageSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type Io = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

// A page sends a few messages a second; hundreds mean a bug or abuse.
const MAX_EVENTS_PER_SECOND = 100;
const FLOODED = text('消息过于频繁，连接已断开', 'Too many messages; the connection was closed');
const UNKNOWN_EVENT = text('未知的消息类型', 'Unknown message type');

/** The page's language from its handshake (`auth.lang`, or `?lang=` on the socket URL); zh-CN unless it asks for English. */
function handshakeLang(handshake: Socket['handshake']): Lang {
  const fromAuth = (handshake.auth as { lang?: unknown } | undefined)?.lang;
  return pickLang(fromAuth ?? handshake.query.lang);
}

export interface SignalingDeps extends AuthDeps {
  calls: CallRegistry;
  walks: InspectionWalks;
  captures: CaptureRequests;
  accounts: AccountService;
  cases: CaseService;
  /** PUBLIC_URL: pages served there (behind a proxy that rewrites Host) may open sockets too. */
  publicUrl?: string;
  /** Points' video evidence (the console's recorded-time count, "record this point"); absent without recording. */
  pointVideos?: Pick<PointVideos, 'mark' | 'events'>;
}

/**
 * The socket.io adapter: authenticates pages, puts each into its session's rooms, parses and
 * authorizes every message before calling the domain, and forwards domain events to rooms. It
 * decides nothing about the order of domain steps.
 */
export class SignalingServer {
  private readonly io: Io;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    httpServer: http.Server | https.Server,
    private readonly deps: SignalingDeps,
    private readonly log: Logger,
  ) {
    this.io = new Server(httpServer, {
      serveClient: false,
      maxHttpBufferSize: 256 * 1024,
      pingInterval: 5000,
      pingTimeout: 5000,
      // Another site's page may not open a socket with a phone's link or the staff's cookie (same rule as HTTP POSTs).
      allowRequest: socketOriginGate(this.deps.publicUrl),
    });
    this.io.use((socket, next) => {
      socket.data.lang = handshakeLang(socket.handshake);
      authenticate(this.deps, socket.handshake.auth, socket.handshake.headers.cookie, socket.handshake.address)
        .then((identity) => {
          socket.data.identity = identity;
          next();
        })
        .catch((err: unknown) => {
          const wire = toWireError(err, socket.data.lang);
          if (!(err instanceof AppError)) this.log.error({ err }, 'socket authentication failed');
          next(Object.assign(new Error(wire.message), { data: wire }));
        });
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
    this.forwardDomainEvents();
  }

  /** Domain events become room broadcasts: the same path a Redis adapter would carry across nodes. */
  private forwardDomainEvents(): void {
    const { calls, walks, lifecycle, accounts } = this.deps;
    const bus = lifecycle.events;
    const io = this.io;
    const on = <T>(off: () => T) => this.unsubscribe.push(off as () => void);
    on(
      bus.on('walk.changed', async (sessionId) => {
        // Every language from one state of the walk, sent together: pages never see changes out of order.
        for (const { lang, view, prompt } of await walks.inEveryLang(sessionId)) {
          this.inLang(roomOf.staff(sessionId), lang).emit('walk:state', view);
          this.inLang(roomOf.applicant(sessionId), lang).emit('walk:prompt', prompt);
        }
      }),
    );
    // Staff wrote the reasons (abandon, interrupt) for the file: the phone gets the state without them.
    on(
      bus.on('state.changed', (c) => {
        io.to(roomOf.staff(c.sessionId)).emit('session:state', { state: c.to, from: c.from, at: c.at, reason: c.reason });
        io.to(roomOf.applicant(c.sessionId)).emit('session:state', { state: c.to, from: c.from, at: c.at });
      }),
    );
    on(
      bus.on('evidence.accepted', (e) => {
        if (e.requestId) io.to(roomOf.staff(e.sessionId)).emit('capture:progress', { requestId: e.requestId, pointKey: e.pointKey, state: 'received', evidenceId: e.stampedId });
      }),
    );
    // The open point's recorded-video count: numbers only, the same for every language.
    const pointVideos = this.deps.pointVideos;
    if (pointVideos) on(pointVideos.events.on('status', (sessionId, status) => void io.to(roomOf.staff(sessionId)).emit('point:video', status)));
    on(bus.on('capture.requested', (e) => void io.to(roomOf.applicant(e.sessionId)).emit('capture:request', e.ask)));
    on(bus.on('capture.progress', (e) => void io.to(roomOf.staff(e.sessionId)).emit('capture:progress', e.progress)));

    const ce = calls.events;
    on(ce.on('peer.consumer', (peerId, offer) => void io.to(peerId).emit('consumer:new', offer)));
    on(ce.on('peer.consumerClosed', (peerId, consumerId) => void io.to(peerId).emit('consumer:closed', { consumerId })));
    on(ce.on('peer.removed', (peerId, reason) => this.hangUp(peerId, reason)));
    on(
      ce.on('presence', (sessionId, presence) => {
        io.to(roomOf.session(sessionId)).emit('presence', presence);
        io.to(roomOf.staff(sessionId)).emit('applicant:presence', { state: presence.applicant });
      }),
    );
    on(ce.on('position', (sessionId, p) => void io.to(roomOf.staff(sessionId)).emit('position', p)));
    on(ce.on('camera.request', (sessionId, r) => void io.to(roomOf.applicant(sessionId)).emit('camera:request', r)));
    on(ce.on('camera.state', (sessionId, s) => void io.to(roomOf.staff(sessionId)).emit('camera:state', s)));
    // Staff pages stay connected when a call ends: they still get the session's last state (sealed)
    // and the answer to the request that ended it; the phone is hung up on.
    on(
      ce.on('call.ended', (sessionId, reason) => {
        for (const lang of LANGS) this.inLang(roomOf.staff(sessionId), lang).emit('call:ended', { reason, message: END_MESSAGES[reason][lang] });
        this.hangUp(roomOf.applicant(sessionId), reason);
      }),
    );

    on(accounts.events.on('logins.ended', (accountId) => this.hangUp(roomOf.account(accountId), 'logged_out')));
    on(accounts.events.on('login.ended', (loginId) => this.hangUp(roomOf.login(loginId), 'logged_out')));
    on(accounts.events.on('access.changed', (accountId) => this.hangUp(roomOf.account(accountId), 'access_changed')));
    on(
      this.deps.cases.events.on('assignee.removed', async (caseId, accountId) => {
        for (const s of await io.in(roomOf.account(accountId)).fetchSockets()) {
          if (s.data.identity.caseRecord.id !== caseId) continue;
          s.emit('call:ended', { reason: 'access_changed', message: END_MESSAGES.access_changed[s.data.lang] });
          setImmediate(() => s.disconnect(true));
        }
      }),
    );
  }

  /** Tells the pages in a room why they are out, then disconnects them once the message has flushed. */
  private hangUp(room: string, reason: EndReason): void {
    for (const lang of LANGS) this.inLang(room, lang).emit('call:ended', { reason, message: END_MESSAGES[reason][lang] });
    setImmediate(() => this.io.in(room).disconnectSockets(true));
  }

  /** The pages of a room that read `lang`: pages in one room may read different languages. */
  private inLang(room: string, lang: Lang) {
    return this.io.to(room).except(LANGS.filter((other) => other !== lang).map(roomOf.lang));
  }

  private onConnection(socket: PageSocket): void {
    const { identity, lang } = socket.data;
    const log = this.log.child({ sessionId: identity.sessionId, kind: identity.kind, peerId: socket.id });
    void socket.join([roomOf.session(identity.sessionId), identity.kind === 'applicant' ? roomOf.applicant(identity.sessionId) : roomOf.staff(identity.sessionId), roomOf.lang(lang)]);
    if (identity.kind === 'staff') void socket.join([roomOf.account(identity.member.id), roomOf.login(identity.loginId)]);
    let call: InspectionCall | undefined;
    let windowStart = Date.now();
    let eventsInWindow = 0;

    /** Counts one incoming message, known or not, against the cap; over it the page is told why and disconnected. */
    const overCap = (event: string): boolean => {
      const now = Date.now();
      if (now - windowStart > 1000) {
        windowStart = now;
        eventsInWindow = 0;
      }
      if (++eventsInWindow <= MAX_EVENTS_PER_SECOND) return false;
      if (socket.connected) {
        log.warn({ event: event.slice(0, 64) }, 'message flood: page disconnected');
        socket.emit('protocol:error', { code: 'rate_limited', message: FLOODED[lang], event: event.slice(0, 64) });
        socket.disconnect(true);
      }
      return true;
    };

    const respond = (event: string, args: unknown[], work: (raw: unknown) => Promise<unknown>) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as (r: unknown) => void) : undefined;
      const raw = ack && args.length === 1 ? undefined : args[0];
      if (overCap(event)) return;
      work(raw)
        .then((data) => ack?.({ ok: true, data }))
        .catch((err: unknown) => {
          const wire = toWireError(err, lang);
          if (!(err instanceof AppError)) log.error({ err, event }, 'signaling handler failed');
          else log.debug({ err: err.message, event }, 'signaling request rejected');
          if (err instanceof Invalid || !ack) socket.emit('protocol:error', { ...wire, event });
          ack?.({ ok: false, error: wire });
        });
    };

    /**
     * Every message is authorized as things are now: the session (state, assignment), the account
     * (roles, departments, disabled) and the phone's link (revoked since it connected).
     */
    const authorizeEvent = async (access: Parameters<typeof actionFor>[0], permitType?: string) => {
      const { resource } = await this.deps.resources.ofSession(identity.sessionId, permitType);
      if (identity.kind === 'staff') {
        identity.member = await this.deps.accounts.current(identity.member.id);
      } else if ((await this.deps.links.find(identity.linkId)).revokedAt !== undefined) {
        throw new Gone(LINK_REVOKED, 'link revoked after connecting', 'link_revoked');
      }
      this.deps.authorize(actorOf(identity), actionFor(access, identity), resource);
    };

    socket.on('call:join', (...args: unknown[]) =>
      respond('call:join', args, async (raw) => {
        const req = parse(JoinRequest, raw);
        if (call && !call.closed) throw new Invalid(text('已经在通话中', 'Already in the call'), 'duplicate join');
        await authorizeEvent('participant');
        const { session } = await this.deps.lifecycle.session(identity.sessionId);
        this.deps.lifecycle.requireCallOpen(session);
        const joined = await this.deps.calls.getOrCreate(identity.sessionId, identity.caseRecord);
        // Set before the await: a disconnect during the join must reach this call to cancel it.
        call = joined;
        let result;
        try {
          if (!socket.connected) throw new Invalid(text('连接已断开', 'The connection was lost'), 'socket gone before join');
          result = await joined.join({
            peerId: socket.id,
            role: identity.kind === 'applicant' ? 'applicant' : identity.callRole,
            rtpCapabilities: req.rtpCapabilities as unknown as types.RtpCapabilities,
            joinLinkId: identity.kind === 'applicant' ? identity.linkId : undefined,
            accountId: identity.kind === 'staff' ? identity.member.id : undefined,
          });
          // The session or the link may have ended while the media was being set up.
          const now = (await this.deps.lifecycle.session(identity.sessionId)).session;
          this.deps.lifecycle.requireCallOpen(now);
          if (identity.kind === 'applicant' && (await this.deps.links.find(identity.linkId)).revokedAt !== undefined) {
            throw new Gone(LINK_REVOKED, 'link revoked during join', 'link_revoked');
          }
        } catch (err) {
          joined.leave(socket.id);
          call = undefined;
          throw err;
        }
        if (identity.kind === 'applicant') await this.deps.links.markUsed(identity.linkId);
        log.info('joined call');
        result.sessionState = (await this.deps.lifecycle.session(identity.sessionId)).session.state;
        result.prompt = await this.deps.walks.prompt(identity.sessionId, lang);
        if (identity.kind === 'staff') result.walk = await this.deps.walks.view(identity.sessionId, lang);
        return result;
      }),
    );

    for (const [event, h] of Object.entries(IN_CALL_HANDLERS)) {
      socket.on(event as keyof ClientToServerEvents, (...args: unknown[]) =>
        respond(event, args, async (raw) => {
          const req = parse(h.schema, raw) as { permitType?: string };
          await authorizeEvent(h.access, h.access === 'sign' ? req.permitType : undefined);
          if (!call || call.closed) throw new NotFound(text('请先加入通话', 'Join the call first'), 'not in a call');
          const ctx: HandlerContext = { peerId: socket.id, identity, call, lifecycle: this.deps.lifecycle, captures: this.deps.captures, pointVideos: this.deps.pointVideos };
          return (h.run as (c: HandlerContext, r: unknown) => unknown)(ctx, req);
        }),
      );
    }

    // Known events are counted by respond(); unknown ones count here, so a flood of them disconnects too.
    socket.onAny((rawEvent: unknown, ...args: unknown[]) => {
      const event = String(rawEvent);
      if (event === 'call:join' || Object.hasOwn(IN_CALL_HANDLERS, event)) return;
      if (overCap(event)) return;
      const error = { code: 'invalid', message: UNKNOWN_EVENT[lang] };
      socket.emit('protocol:error', { ...error, event: event.slice(0, 64) });
      const ack = args[args.length - 1];
      if (typeof ack === 'function') (ack as (r: unknown) => void)({ ok: false, error });
    });

    socket.on('disconnect', (reason) => {
      log.info({ reason }, 'page disconnected');
      call?.leave(socket.id);
    });
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}
