import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { CaseRecord } from '../cases/CaseRecord';
import { distanceMetres } from '../geo/distance';
import type { Clock } from '../platform/clock';
import { Forbidden, NotFound } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type {
  ApplicantPresence,
  CameraRequest,
  CameraState,
  CaptureProgress,
  CaptureRequest,
  EndReason,
  JoinResult,
  MediaSource,
  PositionReport,
  PositionUpdate,
  Role,
  ServerToClientEvents,
} from '../protocol/signaling';
import type { ApplicantPrompt, WalkView } from '../protocol/walk';
import type { Room } from '../sfu/Room';
import type { Store } from '../store/Store';
import type { CallLink } from './CallLink';
import { END_MESSAGES } from './endMessages';

interface Participant {
  peerId: string;
  role: Role;
  link: CallLink;
  /** The join link an applicant came in with, so revoking it can end their call. */
  joinLinkId?: string;
}

export interface JoinRequestOf {
  peerId: string;
  role: Role;
  link: CallLink;
  rtpCapabilities: types.RtpCapabilities;
  joinLinkId?: string;
}

interface CallEvents {
  close: [];
}

export interface CallDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  reconnectGraceMs: number;
}

/**
 * The live call of one inspection session: who is in it, the applicant's presence (live,
 * reconnecting, absent), the latest position, and the rule that the newest phone on a link wins.
 */
export class InspectionCall {
  readonly observer = new EventEmitter<CallEvents>();
  private readonly participants = new Map<string, Participant>();
  private presence: ApplicantPresence = 'waiting';
  private graceTimer: NodeJS.Timeout | undefined;
  private position: PositionUpdate | null = null;
  private camera: CameraState | null = null;
  private lastFixAt = 0;
  private _closed = false;
  private readonly log: Logger;

  constructor(
    readonly caseRecord: CaseRecord,
    readonly sessionId: string,
    private readonly room: Room,
    private readonly deps: CallDeps,
  ) {
    this.log = deps.log.child({ sessionId, caseId: caseRecord.id });
    room.observer.on('consumer', (peerId, offer) => this.participants.get(peerId)?.link.send('consumer:new', offer));
    room.observer.on('consumerClosed', (peerId, consumerId) => this.participants.get(peerId)?.link.send('consumer:closed', { consumerId }));
    // The router only closes under us when its worker died.
    room.observer.once('close', () => this.end('media_failure'));
  }

  get closed(): boolean {
    return this._closed;
  }

  get applicantPresence(): ApplicantPresence {
    return this.presence;
  }

  async join({ peerId, role, link, rtpCapabilities, joinLinkId }: JoinRequestOf): Promise<JoinResult> {
    if (role === 'applicant') this.replaceApplicant(peerId);
    const { peer, consumers } = await this.room.addPeer(peerId, role, rtpCapabilities);
    this.participants.set(peerId, { peerId, role, link, joinLinkId });
    if (role === 'applicant') {
      this.clearGrace();
      this.setPresence('live');
      const session = await this.deps.store.sessions.get(this.sessionId);
      if (session?.status === 'waiting') await this.deps.store.sessions.setStatus(this.sessionId, 'live', this.deps.clock.now());
    }
    if (!this.position) this.position = await this.loadLatestPosition();
    const transports = peer.transportOptions();
    return {
      sessionId: this.sessionId,
      role,
      caseSummary: {
        caseId: this.caseRecord.id,
        caseNumber: this.caseRecord.caseNumber,
        businessName: this.caseRecord.businessName,
        permitTypes: this.caseRecord.permitTypes,
        address: this.caseRecord.address,
      },
      sendTransport: transports.send,
      recvTransport: transports.recv,
      consumers,
      applicant: this.presence,
      position: this.position,
      camera: this.camera,
      serverTime: this.deps.clock.now(),
      walk: null,
      prompt: null,
    };
  }

  /** A page's connection went away (network loss, tab closed). */
  leave(peerId: string): void {
    const p = this.participants.get(peerId);
    if (!p) return;
    this.participants.delete(peerId);
    this.room.removePeer(peerId);
    if (p.role === 'applicant' && !this.hasApplicant()) {
      this.setPresence('reconnecting');
      this.clearGrace();
      this.graceTimer = setTimeout(() => {
        this.graceTimer = undefined;
        if (!this.hasApplicant()) this.setPresence('absent');
        this.releaseIfIdle();
      }, this.deps.reconnectGraceMs);
    }
    this.releaseIfIdle();
  }

  /** Nobody is in the call and nobody is expected back: free the router; the next join makes a new one. */
  private releaseIfIdle(): void {
    if (this._closed || this.participants.size > 0 || this.graceTimer !== undefined) return;
    this._closed = true;
    this.room.close();
    this.observer.emit('close');
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.mediaPeer(peerId).connect(transportId, dtlsParameters);
  }

  async produce(peerId: string, transportId: string, kind: types.MediaKind, rtpParameters: types.RtpParameters, source: MediaSource): Promise<string> {
    const p = this.participant(peerId);
    if (p.role === 'inspector' && source === 'camera') throw new Forbidden('审批人员端仅发送语音', 'inspector may only send audio');
    return this.room.produce(this.mediaPeer(peerId), transportId, kind, rtpParameters, source);
  }

  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    await this.mediaPeer(peerId).resume(consumerId);
  }

  async reportPosition(peerId: string, report: PositionReport): Promise<PositionUpdate> {
    this.requireRole(peerId, 'applicant');
    const now = this.deps.clock.now();
    const update: PositionUpdate = {
      lat: report.lat,
      lon: report.lon,
      accuracyM: report.accuracy,
      fixTime: report.fixTime,
      serverTime: now,
      distanceM: Math.round(distanceMetres(report, this.caseRecord.address) * 10) / 10,
    };
    this.position = update;
    this.broadcast('inspector', 'position', update);
    // watchPosition can fire many times a second; the stored trace keeps one fix per second.
    if (now - this.lastFixAt >= 1000) {
      this.lastFixAt = now;
      await this.deps.store.fixes.append({ sessionId: this.sessionId, lat: update.lat, lon: update.lon, accuracyM: update.accuracyM, fixTime: update.fixTime, serverTime: now });
    }
    return update;
  }

  requestCamera(peerId: string, req: CameraRequest): void {
    this.requireRole(peerId, 'inspector');
    if (!this.hasApplicant()) throw new NotFound('申请人尚未连线', 'no applicant connected');
    this.broadcast('applicant', 'camera:request', req);
  }

  reportCamera(peerId: string, state: CameraState): void {
    this.requireRole(peerId, 'applicant');
    this.camera = state;
    this.broadcast('inspector', 'camera:state', state);
  }

  /** Every checklist change reaches both screens: the whole walk to inspectors, the prompt to the phone. */
  publishWalk(view: WalkView, prompt: ApplicantPrompt | null): void {
    this.broadcast('inspector', 'walk:state', view);
    this.broadcast('applicant', 'walk:prompt', prompt);
  }

  /** Photo capture: the inspector asks, the phone reports pending / uploading / retrying, the server reports received. */
  async requestCapture(peerId: string, req: CaptureRequest, issueTicket: () => Promise<string>): Promise<void> {
    this.requireRole(peerId, 'inspector');
    if (!this.hasApplicant()) throw new NotFound('申请人尚未连线', 'no applicant connected');
    this.broadcast('applicant', 'capture:request', { pointKey: req.pointKey, captureId: await issueTicket() });
  }

  captureProgress(p: CaptureProgress, fromPeer?: string): void {
    if (fromPeer) this.requireRole(fromPeer, 'applicant');
    this.broadcast('inspector', 'capture:progress', p);
  }

  isInspector(peerId: string): boolean {
    return this.participants.get(peerId)?.role === 'inspector';
  }

  /** The inspector finishes the inspection: the session ends for good and its links stop working. */
  async finish(peerId: string, reason?: string): Promise<void> {
    this.requireRole(peerId, 'inspector');
    await this.deps.store.sessions.setStatus(this.sessionId, 'ended', this.deps.clock.now(), reason ?? 'finished');
    this.end('finished');
  }

  /** Tells everyone why the call ends, hangs up on them and releases the media. Idempotent. */
  end(reason: EndReason): void {
    if (this._closed) return;
    this._closed = true;
    this.clearGrace();
    this.log.info({ reason }, 'call ended');
    for (const p of this.participants.values()) {
      p.link.send('call:ended', { reason, message: END_MESSAGES[reason] });
      p.link.hangUp();
    }
    this.participants.clear();
    this.room.close();
    this.observer.emit('close');
  }

  /** A revoked link takes its phone out of the call at once. */
  expelLink(joinLinkId: string): void {
    for (const p of [...this.participants.values()]) {
      if (p.joinLinkId !== joinLinkId) continue;
      this.leave(p.peerId);
      p.link.send('call:ended', { reason: 'revoked', message: END_MESSAGES.revoked });
      p.link.hangUp();
    }
  }

  private replaceApplicant(newPeerId: string): void {
    for (const p of [...this.participants.values()]) {
      if (p.role !== 'applicant' || p.peerId === newPeerId) continue;
      this.log.info({ old: p.peerId, new: newPeerId }, 'join link opened on another device: newest wins');
      this.participants.delete(p.peerId);
      this.room.removePeer(p.peerId);
      p.link.send('call:ended', { reason: 'replaced', message: END_MESSAGES.replaced });
      p.link.hangUp();
    }
  }

  private hasApplicant(): boolean {
    for (const p of this.participants.values()) if (p.role === 'applicant') return true;
    return false;
  }

  private setPresence(state: ApplicantPresence): void {
    if (this.presence === state) return;
    this.presence = state;
    this.broadcast('inspector', 'applicant:presence', { state });
  }

  private clearGrace(): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
  }

  private broadcast<E extends 'position' | 'applicant:presence' | 'camera:request' | 'camera:state' | 'walk:state' | 'walk:prompt' | 'capture:request' | 'capture:progress'>(
    role: Role,
    event: E,
    msg: Parameters<ServerToClientEvents[E]>[0],
  ): void {
    for (const p of this.participants.values()) {
      if (p.role === role) (p.link.send as (e: E, m: typeof msg) => void)(event, msg);
    }
  }

  private async loadLatestPosition(): Promise<PositionUpdate | null> {
    const fix = await this.deps.store.fixes.latest(this.sessionId);
    if (!fix) return null;
    return {
      lat: fix.lat,
      lon: fix.lon,
      accuracyM: fix.accuracyM,
      fixTime: fix.fixTime,
      serverTime: fix.serverTime,
      distanceM: Math.round(distanceMetres(fix, this.caseRecord.address) * 10) / 10,
    };
  }

  private participant(peerId: string): Participant {
    const p = this.participants.get(peerId);
    if (!p) throw new NotFound('请先加入通话', `peer ${peerId} not in call`);
    return p;
  }

  private requireRole(peerId: string, role: Role): void {
    if (this.participant(peerId).role !== role) throw new Forbidden('无权执行此操作', `requires ${role}`);
  }

  private mediaPeer(peerId: string) {
    this.participant(peerId);
    const peer = this.room.peer(peerId);
    if (!peer) throw new NotFound('请先加入通话', `media peer ${peerId} missing`);
    return peer;
  }
}
