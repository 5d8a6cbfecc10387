import type { Producer } from 'mediasoup-client/lib/types';
import type { WireErrorShape } from '../../server/protocol/signaling';
import { lang } from '../shared/i18n';
import { inboundTotals } from '../shared/inboundStats';
import { MediaSession } from '../shared/MediaSession';
import { RequestError, SignalingClient } from '../shared/SignalingClient';
import type { PhoneBoot } from './boot';
import { CameraControl } from './CameraControl';
import { rememberStart } from './consent';
import { keepResolutionWhileItMoves } from './sendPreference';
import { adoptEarlySocket } from './earlySocket';
import { LocalCamera } from './LocalCamera';
import { PhotoFlow } from './PhotoFlow';
import { endKindOfReason, endKindOfRefusal, endKindOfState, initialFacts, stateImpliesInspector, type EndKind, type LocationState, type PhoneScreen, type SessionState } from './phoneScreen';
import { PhoneView } from './PhoneView';
import { PositionReporter } from './PositionReporter';

const VIDEO_BITRATE = 1_200_000;

/**
 * The phone's side of the call. Facts change only from server messages and the phone's own
 * devices; every change ends in render(). The socket connects at once (a dead link shows its
 * screen before anything is asked); the call is joined, and the camera opened, only once started.
 */
export class PhoneCall {
  readonly facts = initialFacts();
  readonly view: PhoneView;
  private readonly signaling: SignalingClient;
  private readonly positions: PositionReporter;
  private readonly cameraOps: CameraControl;
  private readonly photos: PhotoFlow;
  private camera: LocalCamera | undefined;
  private cameraReady: Promise<LocalCamera> | undefined;
  private session: MediaSession | undefined;
  private videoProducer: Producer | undefined;
  private micProducer: Producer | undefined;
  /** A 'presence' message came after this join was sent: it is newer than the join result's snapshot. */
  private presenceSinceJoin = false;
  /** Back-off for a join that failed on a connected socket (a weak uplink timing out, a call changing hands). */
  private rejoinDelayMs = 1000;
  private locationRetrying = false;
  private stopKeepingResolution: () => void = () => undefined;
  /** The camera is being opened after the tap on "start", so the browser may be asking for it. */
  private cameraMayPrompt = false;

  /** For the end-to-end tests and the join benchmark (timings and states only, nothing secret). */
  readonly probe = {
    state: this.facts.connection as string,
    screen: 'ready' as PhoneScreen,
    location: this.facts.location as LocationState,
    marks: {} as Record<string, number>,
    joins: 0,
    inbound: async () => (this.session ? inboundTotals(await this.session.recvTransport.getStats()) : null),
    photos: () => this.photos.uploader.pending,
    videoMaxBitrate: () => this.videoProducer?.rtpSender?.getParameters().encodings[0]?.maxBitrate,
    videoDegradation: () => this.videoProducer?.rtpSender?.getParameters().degradationPreference,
    mic: () => ({ trackEnabled: this.camera ? this.camera.audio.enabled : null, producerPaused: this.micProducer ? this.micProducer.paused : null }),
  };

  constructor(private readonly boot: PhoneBoot) {
    const again = () => {
      rememberStart();
      location.reload();
    };
    // The socket (opened by the early script, or now) and the device's codec probe overlap the first render: both are on the way to the first frame.
    const early = adoptEarlySocket(boot.token, lang);
    this.signaling = new SignalingClient({ role: 'applicant', token: boot.token }, early?.socket);
    MediaSession.preload(boot.rtpCapabilities);
    this.view = new PhoneView(boot, {
      start: () => this.start(null),
      retryCamera: again,
      again,
      retryLocation: () => this.retryLocation(),
      toggleMute: () => this.toggleMute(),
      switchCamera: () => void this.cameraOps.toggleFacing(),
      torch: (on) => void this.cameraOps.apply({ action: on ? 'torch_on' : 'torch_off' }, false),
      zoom: (to) => void this.cameraOps.apply({ action: 'zoom', zoom: to }, false),
      hangUp: () => this.endWith('hung_up', undefined, { hangUp: true }),
      gallery: (pointKey, file) => this.photos.sendGallery(pointKey, file),
    });
    const socket = this.signaling.socket;
    this.positions = new PositionReporter(
      (report) => {
        if (this.session && socket.connected) socket.emit('position', report, () => undefined);
      },
      (status) => this.onLocation(status),
    );
    this.cameraOps = new CameraControl({
      camera: () => this.camera,
      videoProducer: () => this.videoProducer,
      preview: this.view.preview,
      ended: () => this.facts.end !== null,
      changed: () => this.reportCamera(),
    });
    this.photos = new PhotoFlow({
      boot,
      signaling: this.signaling,
      view: this.view,
      facts: this.facts,
      positions: this.positions,
      camera: this.cameraOps,
      inCall: () => !!this.session && socket.connected,
      videoProducer: () => this.videoProducer,
    });
    this.listen();
    early?.replay();
    this.render();
  }

  /** Opens the camera (or takes the one the early script is opening) and, in parallel, joins as soon as signaling is up. */
  start(early: Promise<MediaStream> | null): void {
    if (this.facts.started || this.facts.end) return;
    rememberStart();
    this.probe.marks.started = performance.now();
    this.facts.started = true;
    this.facts.connection = 'connecting';
    this.render();
    this.cameraMayPrompt = early === null;
    this.cameraReady = this.openCamera(early);
    this.cameraReady.catch((err) => console.warn('camera unavailable', err));
    if (this.signaling.socket.connected) this.join();
  }

  private render(): void {
    this.probe.screen = this.view.render(this.facts, this.locationRetrying);
    this.probe.state = this.facts.connection;
    this.probe.location = this.facts.location;
  }

  private async openCamera(early: Promise<MediaStream> | null): Promise<LocalCamera> {
    let cam: LocalCamera;
    try {
      cam = await LocalCamera.open(early);
    } catch (err) {
      this.facts.cameraDenied = true;
      this.render();
      throw err;
    }
    this.probe.marks.cameraReady = performance.now();
    if (this.facts.end) {
      // The call ended while the phone was still asking for the camera: let go of it at once.
      cam.stop();
      throw new Error('call ended before the camera opened');
    }
    this.camera = cam;
    cam.audio.enabled = !this.facts.muted;
    this.view.preview.srcObject = new MediaStream([cam.video]);
    this.reportCamera();
    // Location is asked after the camera, so the prompts come one at a time.
    this.positions.start();
    return cam;
  }

  private join(): void {
    this.joinCall().then(
      () => (this.rejoinDelayMs = 1000),
      (err: unknown) => {
        // A refused camera has its own screen; a network message would only mislead.
        if (this.facts.cameraDenied || this.facts.end) return;
        console.warn('join failed', err instanceof RequestError ? `${err.code}: ${err.message}` : err);
        // Not in the call, so say so, and try again from a fresh connection: the handshake re-checks the
        // link, so a link revoked meanwhile ends on its own screen instead of retrying for ever.
        this.facts.connection = 'reconnecting';
        this.render();
        const delay = this.rejoinDelayMs;
        this.rejoinDelayMs = Math.min(this.rejoinDelayMs * 2, 15_000);
        setTimeout(() => {
          const socket = this.signaling.socket;
          if (!this.facts.end && socket.connected) socket.disconnect().connect();
        }, delay);
      },
    );
  }

  private async joinCall(): Promise<void> {
    const f = this.facts;
    if (f.end || !f.started) return;
    this.session?.close();
    this.session = undefined;
    this.probe.marks.joinStart = performance.now();
    this.presenceSinceJoin = false;
    const socket = this.signaling.socket;
    const s = await MediaSession.start(
      this.signaling,
      this.boot.rtpCapabilities,
      {
        onTrack: (track) => {
          if (track.kind === 'audio') this.view.remoteAudio.srcObject = new MediaStream([track]);
        },
        onTrackEnded: () => undefined,
        onTransportFailed: () => {
          // The media path broke while signaling may still be up: reconnect everything.
          if (!f.end) socket.disconnect().connect();
        },
      },
      { deferOffers: true },
    );
    if (f.end) {
      s.close();
      return;
    }
    this.session = s;
    this.probe.marks.joinAck = s.timings.joinAckAt;
    if (!this.presenceSinceJoin) f.presence = s.join.presence;
    if ((f.presence?.inspectors ?? 0) > 0) f.inspectorSeen = true;
    this.noteSessionState(s.join.sessionState);
    this.view.prompt.show(s.join.prompt);
    s.onConnected = (at) => (this.probe.marks.sendConnected = at);
    // Signaling and the camera start in parallel; media goes out once both are ready. The camera goes
    // out before the inspector's voice comes in (taking it costs a round trip and a negotiation), unless
    // the browser may be asking for the camera: then the inspector is heard while the owner answers.
    if (!this.camera && this.cameraMayPrompt) this.takeOffers(s);
    const cam = await this.cameraReady!;
    if (this.session !== s) return;
    this.videoProducer = await s.produce(cam.video, 'camera', VIDEO_BITRATE);
    this.stopKeepingResolution();
    this.stopKeepingResolution = keepResolutionWhileItMoves(this.videoProducer.rtpSender);
    this.takeOffers(s);
    const mic = await s.produce(cam.audio, 'mic');
    if (f.muted) mic.pause();
    this.micProducer = mic;
    if (this.session !== s) return;
    this.probe.marks.produced = performance.now();
    this.probe.joins++;
    f.connection = 'live';
    this.render();
    this.positions.resend();
    this.reportCamera();
  }

  private takeOffers(s: MediaSession): void {
    s.consumeOffered().catch((err) => console.warn('consume failed', err));
  }

  private noteSessionState(state: SessionState): void {
    this.facts.sessionState = state;
    const seen = stateImpliesInspector(state);
    if (seen) this.facts.inspectorSeen = true;
    else if (seen === false && (this.facts.presence?.inspectors ?? 0) === 0) this.facts.inspectorSeen = false;
  }

  private reportCamera(): void {
    if (this.camera && this.session) this.signaling.socket.emit('camera:state', this.camera.state(), () => undefined);
    if (!this.facts.end) this.view.controls.render(this.camera?.state() ?? null, this.facts.muted);
  }

  private toggleMute(): void {
    const f = this.facts;
    f.muted = !f.muted;
    if (this.camera) this.camera.audio.enabled = !f.muted;
    const mic = this.micProducer;
    if (mic && !mic.closed) {
      if (f.muted) mic.pause();
      else mic.resume();
    }
    this.view.controls.render(this.camera?.state() ?? null, f.muted);
    this.render();
  }

  private onLocation(status: LocationState): void {
    // Asking again: the banner stays (with its button off) until the answer, so it does not flicker away and back.
    if (status === 'waiting' && this.locationRetrying) return;
    this.locationRetrying = false;
    this.facts.location = status;
    this.render();
  }

  private retryLocation(): void {
    this.locationRetrying = true;
    this.render();
    this.positions.restart();
  }

  /**
   * Takes the phone out of the call for good: media, camera, microphone and location stop on every
   * end screen. A later, more precise message for the same end (call:ended after session:state) only
   * fills in the server's wording.
   */
  private endWith(kind: EndKind, message: string | undefined, opts: { hangUp: boolean }): void {
    const f = this.facts;
    if (f.end) {
      if (f.end === kind) this.view.end.fillMessage(kind, message);
      return;
    }
    f.end = kind;
    f.connection = 'ended';
    this.stopKeepingResolution();
    this.session?.close();
    this.session = undefined;
    this.positions.stop();
    this.camera?.stop();
    this.view.preview.srcObject = null;
    this.view.remoteAudio.srcObject = null;
    this.view.delivered.hide();
    const socket = this.signaling.socket;
    if (opts.hangUp) {
      // Said before going, so the inspector sees "left" at once rather than "reconnecting".
      if (kind === 'hung_up' && socket.connected) socket.timeout(1000).emit('call:leave', {}, () => socket.disconnect());
      else socket.disconnect();
    }
    // The server hangs up on its own after a lifecycle end; if it does not, stop listening anyway.
    else setTimeout(() => socket.disconnect(), 3000);
    this.view.end.show(kind, message);
    this.render();
    window.scrollTo(0, 0);
  }

  private listen(): void {
    const socket = this.signaling.socket;
    const f = this.facts;
    socket.on('camera:request', (req) => void this.cameraOps.apply(req, true));
    socket.on('walk:prompt', (p) => {
      this.view.prompt.show(p);
      this.render();
    });
    socket.on('presence', (p) => {
      f.presence = p;
      this.presenceSinceJoin = true;
      if (p.inspectors > 0) f.inspectorSeen = true;
      this.render();
    });
    socket.on('session:state', ({ state }) => {
      const end = endKindOfState(state);
      if (end) return this.endWith(end, undefined, { hangUp: false });
      this.noteSessionState(state);
      this.render();
    });
    socket.on('call:ended', ({ reason, message }) => this.endWith(endKindOfReason(reason), message, { hangUp: true }));
    socket.on('connect', () => {
      this.probe.marks.socketConnected = performance.now();
      if (f.started) this.join();
    });
    socket.on('disconnect', (reason) => {
      this.stopKeepingResolution();
      this.session?.close();
      this.session = undefined;
      if (f.end) return;
      if (reason === 'io server disconnect') {
        // Hung up without saying why (the reason comes first when there is one): offer to reconnect.
        return this.endWith('disconnected', undefined, { hangUp: true });
      }
      if (f.started) f.connection = 'reconnecting';
      this.render();
    });
    socket.on('connect_error', (err) => {
      if (f.end) return;
      const data = (err as Error & { data?: Partial<WireErrorShape> }).data;
      const kind = endKindOfRefusal(data?.reason);
      if (kind) {
        this.endWith(kind, data?.message, { hangUp: true });
      } else if (data?.message && !socket.active) {
        // Refused for a reason with no screen of its own (e.g. too many attempts): let them try again.
        this.endWith('disconnected', data.message, { hangUp: true });
      } else if (f.started) {
        f.connection = 'reconnecting';
        this.render();
      }
    });
  }
}
