import type { types } from 'mediasoup';
import type { CaseRecord } from '../cases/CaseRecord';
import { distanceMetres } from '../geo/distance';
import type { Clock } from '../platform/clock';
import { Forbidden, Gone, NotFound } from '../platform/errors';
import { text } from '../platform/Text';
import type { Logger } from '../platform/logger';
import type { TypedEvents } from '../platform/TypedEvents';
import type { ApplicantPresence, CallPresence, CallRole, CameraRequest, CameraState, EndReason, JoinResult, MediaSource, PositionReport, PositionUpdate } from '../protocol/signaling';
import type { Room } from '../sfu/Room';
import type { Store } from '../store/Store';
import type { CallEvents } from './CallEvents';

interface Participant {
  peerId: string;
  role: CallRole;
  /** The join link an applicant came in with, so revoking it can take that phone out. */
  joinLinkId?: string;
  /** The staff account behind an inspector or observer page. */
  accountId?: string;
}

export interface JoinRequestOf {
  peerId: string;
  role: CallRole;
  rtpCapabilities: types.RtpCapabilities;
  joinLinkId?: string;
  accountId?: string;
}

export interface CallDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  events: TypedEvents<CallEvents>;
  reconnectGraceMs: number;
  /** Presence drives the inspection's lifecycle; the call only reports it. */
  onPresence(sessionId: string, presence: CallPresence): void;
}

/**
 * The live call of one inspection session: who is in it, the applicant's presence (waiting, live,
 * reconnecting, absent), the latest position and camera, and the media room. It decides nothing
 * about the inspection itself.
 */
export class InspectionCall {
  private readonly participants = new Map<string, Participant>();
  /** Pages whose join is in progress: a page that leaves meanwhile must not become a ghost. */
  private readonly joining = new Set<string>();
  private applicant: ApplicantPresence = 'waiting';
  private graceTimer: NodeJS.Timeout | undefined;
  private position: PositionUpdate | null = null;
  private camera: CameraState | null = null;
  private lastFixAt = 0;
  private lastReported = '';
  private _closed = false;
  private readonly closeListeners: Array<() => void> = [];
  private readonly log: Logger;

  constructor(
    readonly caseRecord: CaseRecord,
    readonly sessionId: string,
    private readonly room: Room,
    private readonly deps: CallDeps,
  ) {
    this.log = deps.log.child({ sessionId, caseId: caseRecord.id });
    room.observer.on('consumer', (peerId, offer) => deps.events.emit('peer.consumer', peerId, offer));
    room.observer.on('consumerClosed', (peerId, consumerId) => deps.events.emit('peer.consumerClosed', peerId, consumerId));
    // The router only closes under us when its worker died.
    room.observer.once('close', () => this.end('media_failure'));
  }

  get closed(): boolean {
    return this._closed;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  get presence(): CallPresence {
    let inspectors = 0;
    let observers = 0;
    for (const p of this.participants.values()) {
      if (p.role === 'inspector') inspectors++;
      if (p.role === 'observer') observers++;
    }
    return { applicant: this.applicant, inspectors, observers };
  }

  /**
   * Adds a page to the call. Atomic: if the page leaves while its transports are being made, they
   * are closed again and the join fails, so no ghost participant stays behind.
   */
  async join({ peerId, role, rtpCapabilities, joinLinkId, accountId }: JoinRequestOf): Promise<JoinResult> {
    if (this._closed) throw new Gone(text('通话已结束，请重新连接', 'The call has ended; please reconnect'), 'call closed');
    this.joining.add(peerId);
    try {
      return await this.admit({ peerId, role, rtpCapabilities, joinLinkId, accountId });
    } catch (err) {
      // A failed or cancelled join leaves nothing: no transports, no phone shown as live, no idle router.
      this.joining.delete(peerId);
      this.participants.delete(peerId);
      this.room.removePeer(peerId);
      if (role === 'applicant') this.applicantLeft(false);
      this.announcePresence();
      this.releaseIfIdle();
      throw err;
    } finally {
      this.joining.delete(peerId);
    }
  }

  private async admit({ peerId, role, rtpCapabilities, joinLinkId, accountId }: JoinRequestOf): Promise<JoinResult> {
    // Before the transports are made: the new phone must not be offered the old phone's own media.
    if (role === 'applicant') this.replaceApplicant(peerId);
    const { peer, consumers } = await this.room.addPeer(peerId, role, rtpCapabilities, accountId);
    if (!this.joining.has(peerId) || this._closed) throw new Gone(text('连接已断开', 'The connection was lost'), 'page left during its join');
    this.participants.set(peerId, { peerId, role, joinLinkId, accountId });
    if (role === 'applicant') {
      this.clearGrace();
      this.applicant = 'live';
    }
    this.announcePresence();
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
      presence: this.presence,
      applicant: this.applicant,
      position: this.position,
      camera: this.camera,
      serverTime: this.deps.clock.now(),
      walk: null,
      prompt: null,
      sessionState: 'scheduled',
    };
  }

  /** A page's connection went away (network loss, tab closed, logged out), or the shop owner hung up. */
  leave(peerId: string, how: { hungUp: boolean } = { hungUp: false }): void {
    if (this.joining.delete(peerId)) return;
    const p = this.participants.get(peerId);
    if (!p) return;
    this.participants.delete(peerId);
    this.room.removePeer(peerId);
    if (p.role === 'applicant') this.applicantLeft(how.hungUp);
    this.announcePresence();
    this.releaseIfIdle();
  }

  /** The phone that was live is gone: shown as reconnecting for the grace period, then absent; at once absent when hung up. */
  private applicantLeft(hungUp: boolean): void {
    if (this.hasApplicant() || this.applicant !== 'live') return;
    if (hungUp) {
      this.clearGrace();
      this.applicant = 'absent';
      return;
    }
    this.applicant = 'reconnecting';
    this.clearGrace();
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      if (!this.hasApplicant()) this.applicant = 'absent';
      this.announcePresence();
      this.releaseIfIdle();
    }, this.deps.reconnectGraceMs);
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.mediaPeer(peerId).connect(transportId, dtlsParameters);
  }

  async produce(peerId: string, transportId: string, kind: types.MediaKind, rtpParameters: types.RtpParameters, source: MediaSource): Promise<string> {
    const p = this.participant(peerId);
    if (p.role === 'observer') throw new Forbidden(text('旁听人员不发送音视频', 'Observers do not send audio or video'), 'observers only receive');
    if (p.role === 'inspector' && source === 'camera') throw new Forbidden(text('审批人员端仅发送语音', 'The inspector’s console sends audio only'), 'inspector may only send audio');
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
    this.deps.events.emit('position', this.sessionId, update);
    // watchPosition can fire many times a second; the stored trace keeps one fix per second.
    if (now - this.lastFixAt >= 1000) {
      this.lastFixAt = now;
      await this.deps.store.fixes.append({ sessionId: this.sessionId, lat: update.lat, lon: update.lon, accuracyM: update.accuracyM, fixTime: update.fixTime, serverTime: now });
    }
    return update;
  }

  requestCamera(peerId: string, req: CameraRequest): void {
    this.requireRole(peerId, 'inspector');
    this.requireApplicant();
    this.deps.events.emit('camera.request', this.sessionId, req);
  }

  reportCamera(peerId: string, state: CameraState): void {
    this.requireRole(peerId, 'applicant');
    this.camera = state;
    this.deps.events.emit('camera.state', this.sessionId, state);
  }

  requireApplicant(): void {
    if (!this.hasApplicant()) throw new NotFound(text('申请人尚未连线', 'The applicant is not connected yet'), 'no applicant connected');
  }

  /** Open WebRTC transports of this call (two per page in it). */
  transportCount(): Promise<number> {
    return this.room.transportCount();
  }

  roleOf(peerId: string): CallRole | undefined {
    return this.participants.get(peerId)?.role;
  }

  /** Tells everyone why the call ends, hangs up on them and releases the media. Idempotent. */
  end(reason: EndReason): void {
    if (this._closed) return;
    this._closed = true;
    this.clearGrace();
    this.log.info({ reason }, 'call ended');
    this.deps.events.emit('call.ended', this.sessionId, reason);
    this.participants.clear();
    this.joining.clear();
    this.room.close();
    for (const l of this.closeListeners.splice(0)) l();
  }

  /** A revoked link takes its phone out of the call at once. */
  expelLink(joinLinkId: string, reason: EndReason): void {
    for (const p of [...this.participants.values()]) {
      if (p.joinLinkId !== joinLinkId) continue;
      this.deps.events.emit('peer.removed', p.peerId, reason);
      this.leave(p.peerId);
    }
  }

  /** Nobody is in the call and nobody is expected back: free the router; the next join makes a new one. */
  private releaseIfIdle(): void {
    if (this._closed || this.participants.size > 0 || this.joining.size > 0 || this.graceTimer !== undefined) return;
    this._closed = true;
    this.room.close();
    for (const l of this.closeListeners.splice(0)) l();
  }

  private replaceApplicant(newPeerId: string): void {
    for (const p of [...this.participants.values()]) {
      if (p.role !== 'applicant' || p.peerId === newPeerId) continue;
      this.log.info({ old: p.peerId, new: newPeerId }, 'join link opened on another device: newest wins');
      this.participants.delete(p.peerId);
      this.room.removePeer(p.peerId);
      this.deps.events.emit('peer.removed', p.peerId, 'replaced');
    }
  }

  private hasApplicant(): boolean {
    for (const p of this.participants.values()) if (p.role === 'applicant') return true;
    return false;
  }

  private announcePresence(): void {
    const presence = this.presence;
    const key = JSON.stringify(presence);
    if (key === this.lastReported) return;
    this.lastReported = key;
    this.deps.events.emit('presence', this.sessionId, presence);
    this.deps.onPresence(this.sessionId, presence);
  }

  private clearGrace(): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
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
    if (!p) throw new NotFound(text('请先加入通话', 'Join the call first'), `peer ${peerId} not in call`);
    return p;
  }

  private requireRole(peerId: string, role: CallRole): void {
    if (this.participant(peerId).role !== role) throw new Forbidden(text('无权执行此操作', 'You may not do this'), `requires ${role}`);
  }

  private mediaPeer(peerId: string) {
    this.participant(peerId);
    const peer = this.room.peer(peerId);
    if (!peer) throw new NotFound(text('请先加入通话', 'Join the call first'), `media peer ${peerId} missing`);
    return peer;
  }
}
