import type { Producer } from 'mediasoup-client/lib/types';
import type { CameraRequest, WireErrorShape } from '../../server/protocol/signaling';
import type { ApplicantPrompt } from '../../server/protocol/walk';
import { h, readBoot, toast } from '../shared/dom';
import { inboundTotals } from '../shared/inboundStats';
import { t, type MessageKey } from '../shared/i18n';
import { MediaSession } from '../shared/MediaSession';
import { RequestError, SignalingClient } from '../shared/SignalingClient';
import { LocalCamera } from './LocalCamera';
import { PhotoUploader } from './PhotoUploader';
import {
  CONTACT_OFFICE,
  endKindOfReason,
  endKindOfRefusal,
  endKindOfState,
  LINK_GONE,
  RECONNECTABLE,
  screenOf,
  stateImpliesInspector,
  type EndKind,
  type PhoneFacts,
  type PhoneScreen,
} from './phoneScreen';
import { PositionReporter } from './PositionReporter';
import { takePhoto } from './takePhoto';

interface Boot {
  token: string;
  sessionId: string;
  businessName: string;
  caseNumber: string;
  rtpCapabilities: unknown;
  /** The office accepts existing photos from the phone's gallery. */
  galleryUploads: boolean;
}

const boot = readBoot<Boot>();
const app = document.getElementById('app')!;
document.body.classList.add('applicant');

/** Everything the screen is decided from; changed only by server messages and the phone's own media. */
const facts: PhoneFacts = { connection: 'connecting', presence: null, inspectorSeen: false, cameraDenied: false, end: null };

// Exposed for the end-to-end tests and the join benchmark (timings only, nothing secret).
// state: the phone's connection; screen: what the shop owner is shown (see phoneScreen.ts).
const probe = {
  state: facts.connection,
  screen: 'connecting' as PhoneScreen,
  marks: {} as Record<string, number>,
  joins: 0,
  inbound: async () => (session ? inboundTotals(await session.recvTransport.getStats()) : null),
};
(window as unknown as { __kanyan: typeof probe }).__kanyan = probe;
probe.marks.scriptStart = performance.now();

const fill = (key: MessageKey, vars: Record<string, string | number>): string => t(key).replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

const stateTitle = h('p', { class: 'state-title' }, t('phone.screen.connecting'));
const stateDetail = h('p', { class: 'state-detail' }, t('phone.screen.connecting.detail'));
const stateExtra = h('p', { class: 'state-extra', hidden: true });
const stateAction = h('div', { class: 'state-action', hidden: true });
const stateBox = h('section', { class: 'state', 'data-state': 'connecting', 'data-screen': 'connecting', role: 'status', 'aria-live': 'polite' }, stateTitle, stateDetail, stateExtra, stateAction);
const whyBox = h('section', { class: 'why' }, h('p', {}, t('why.title')), h('ul', {}, h('li', {}, t('why.camera')), h('li', {}, t('why.mic')), h('li', {}, t('why.location'))));
const promptBox = h('section', { class: 'prompt', hidden: true, 'aria-live': 'polite' });
const preview = h('video', { class: 'preview', autoplay: true, muted: true, playsInline: true });
const stage = h('div', { class: 'stage' }, preview);
const remoteAudio = h('audio', { autoplay: true });
const controls = h('div', { class: 'controls' });
const endedBox = h('section', { class: 'ended', hidden: true, role: 'alert' });
app.append(
  h(
    'header',
    { class: 'phone-top' },
    h('p', { class: 'service' }, t('phone.service')),
    h('h1', {}, boot.businessName),
    h('p', { class: 'case-number' }, `${t('phone.caseNumber')} ${boot.caseNumber}`),
  ),
  stateBox,
  endedBox,
  whyBox,
  promptBox,
  stage,
  controls,
  remoteAudio,
);

const DETAIL: Record<string, MessageKey> = {
  connecting: 'phone.screen.connecting.detail',
  waiting_inspector: 'phone.screen.waiting_inspector.detail',
  live: 'phone.screen.live.detail',
  inspector_left: 'phone.screen.inspector_left.detail',
  reconnecting: 'phone.screen.reconnecting.detail',
  camera_denied: 'phone.screen.camera_denied.detail',
};

/** Shows what the facts say. The only place the status line, the probe and the page's data-* change. */
function render(): void {
  const screen = screenOf(facts);
  probe.state = facts.connection;
  probe.screen = screen;
  document.body.dataset.state = facts.connection;
  document.body.dataset.screen = screen;
  const ended = facts.end !== null;
  stateBox.hidden = ended;
  endedBox.hidden = !ended;
  stage.hidden = ended || screen === 'camera_denied';
  controls.hidden = ended;
  // The "why we need your camera" box helps until the inspector is looking; after that it only takes room.
  whyBox.hidden = !(screen === 'connecting' || screen === 'waiting_inspector' || screen === 'camera_denied');
  if (ended) {
    promptBox.hidden = true;
    return;
  }
  stateBox.dataset.state = facts.connection;
  stateBox.dataset.screen = screen;
  stateTitle.textContent = t(`phone.screen.${screen}` as MessageKey);
  stateDetail.textContent = t(DETAIL[screen]!);
  const observers = facts.presence?.observers ?? 0;
  const inCall = screen === 'waiting_inspector' || screen === 'live' || screen === 'inspector_left';
  stateExtra.hidden = !(inCall && observers > 0);
  stateExtra.textContent = fill('phone.observers', { n: observers });
  stateAction.hidden = screen !== 'camera_denied';
  if (screen === 'camera_denied' && !stateAction.firstChild) {
    stateAction.append(h('button', { class: 'primary', onclick: () => location.reload() }, t('btn.retry')));
  }
}

function showPrompt(p: ApplicantPrompt | null): void {
  promptBox.hidden = !p || p.closed || facts.end !== null;
  if (!p) return;
  promptBox.dataset.index = String(p.index);
  promptBox.replaceChildren(h('p', { class: 'step' }, t('prompt.step').replace('{i}', String(p.index)).replace('{n}', String(p.total)) + ` · ${p.title}`), h('p', { class: 'prompt-text' }, p.prompt));
  if (boot.galleryUploads) promptBox.append(galleryPicker(p.pointKey));
}

const MAX_GALLERY_BYTES = 25 * 1024 * 1024;

/** Offices that allow it let the business send an existing photo for the current point. */
function galleryPicker(pointKey: string): HTMLElement {
  const input = h('input', { type: 'file', accept: 'image/jpeg,image/png', class: 'gallery-input', hidden: true }) as HTMLInputElement;
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (!/^image\/(jpeg|png)$/.test(file.type)) return toast(t('gallery.type'), 'error', 5000);
    if (file.size > MAX_GALLERY_BYTES) return toast(t('gallery.size'), 'error', 5000);
    uploader.add(pointKey, file, positions.latest, { source: 'gallery' });
    toast(t('gallery.sending'));
  });
  const button = h('button', { class: 'gallery', type: 'button' }, t('gallery.pick'));
  button.addEventListener('click', () => input.click());
  return h('div', { class: 'gallery-row' }, button, input, h('p', { class: 'muted gallery-note' }, t('gallery.note')));
}

const endMessage = h('p', { class: 'ended-message' });
const photosNote = h('p', { class: 'photos-note', hidden: true });

/**
 * Takes the phone out of the call for good: media, camera, microphone and location stop on every
 * end screen. A later, more precise message for the same end (call:ended after session:state) only
 * fills in the server's wording.
 */
function endWith(kind: EndKind, message: string | undefined, opts: { hangUp: boolean }): void {
  if (facts.end) {
    if (facts.end === kind && message && !endMessage.textContent) {
      endMessage.textContent = message;
      endMessage.hidden = false;
    }
    return;
  }
  facts.end = kind;
  facts.connection = 'ended';
  session?.close();
  session = undefined;
  positions.stop();
  camera?.stop();
  preview.srcObject = null;
  remoteAudio.srcObject = null;
  controls.replaceChildren();
  if (opts.hangUp) socket.disconnect();
  // The server hangs up on its own after a lifecycle end; if it does not, stop listening anyway.
  else setTimeout(() => socket.disconnect(), 3000);

  endMessage.textContent = message ?? '';
  endMessage.hidden = !message;
  endedBox.dataset.kind = kind;
  endedBox.replaceChildren(
    h('h2', {}, t(`phone.end.${kind}.title` as MessageKey)),
    endMessage,
    h('p', { class: 'next-step' }, h('strong', {}, t('phone.nextStep')), t(`phone.end.${kind}.next` as MessageKey)),
  );
  if (CONTACT_OFFICE.has(kind)) endedBox.append(h('p', { class: 'contact' }, fill('phone.contact', { case: boot.caseNumber })));
  endedBox.append(photosNote, h('p', { class: 'camera-off' }, t('phone.cameraOff')));
  if (RECONNECTABLE.has(kind)) endedBox.append(h('button', { class: 'primary reconnect', onclick: () => location.reload() }, t('btn.reconnect')));
  render();
  window.scrollTo(0, 0);
}

let camera: LocalCamera | undefined;
let session: MediaSession | undefined;
let videoProducer: Producer | undefined;
/** A 'presence' message came after this join was sent: it is newer than the join result's snapshot. */
let presenceSinceJoin = false;

async function openCamera(): Promise<LocalCamera> {
  try {
    return await LocalCamera.open();
  } catch (err) {
    facts.cameraDenied = true;
    render();
    throw err;
  }
}

function noteInspectors(inspectors: number): void {
  if (inspectors > 0) facts.inspectorSeen = true;
}

MediaSession.preload(boot.rtpCapabilities);
const signaling = new SignalingClient({ role: 'applicant', token: boot.token });
const socket = signaling.socket;
const positions = new PositionReporter(
  (report) => {
    if (session && socket.connected) socket.emit('position', report, () => undefined);
  },
  (err) => {
    if (err.code === err.PERMISSION_DENIED) toast(t('perm.noLocation'), 'error', 8000);
  },
);

async function joinCall(): Promise<void> {
  if (facts.end) return;
  session?.close();
  session = undefined;
  probe.marks.joinStart = performance.now();
  presenceSinceJoin = false;
  const s = await MediaSession.start(signaling, boot.rtpCapabilities, {
    onTrack: (track) => {
      if (track.kind === 'audio') remoteAudio.srcObject = new MediaStream([track]);
    },
    onTrackEnded: () => undefined,
    onTransportFailed: () => {
      // The media path broke while signaling may still be up: reconnect everything.
      if (!facts.end) socket.disconnect().connect();
    },
  });
  if (facts.end) {
    s.close();
    return;
  }
  session = s;
  probe.marks.joinAck = s.timings.joinAckAt;
  if (!presenceSinceJoin) facts.presence = s.join.presence;
  noteInspectors(facts.presence?.inspectors ?? 0);
  const seen = stateImpliesInspector(s.join.sessionState);
  if (seen) facts.inspectorSeen = true;
  else if (seen === false && (facts.presence?.inspectors ?? 0) === 0) facts.inspectorSeen = false;
  showPrompt(s.join.prompt);
  s.onConnected = (at) => (probe.marks.sendConnected = at);
  // Signaling and the camera start in parallel; media goes out once both are ready.
  const cam = await cameraReady;
  if (session !== s) return;
  videoProducer = await s.produce(cam.video, 'camera', 1_200_000);
  await s.produce(cam.audio, 'mic');
  if (session !== s) return;
  probe.marks.produced = performance.now();
  probe.joins++;
  facts.connection = 'live';
  render();
  positions.resend();
  reportCamera();
}

function reportCamera(): void {
  if (camera && session) socket.emit('camera:state', camera.state(), () => undefined);
  renderControls();
}

function renderControls(): void {
  if (!camera || facts.end) return;
  const st = camera.state();
  const buttons: HTMLElement[] = [
    h('button', { onclick: () => void switchCamera(st.facing === 'environment' ? 'user' : 'environment') }, t('btn.switchCamera')),
  ];
  if (st.torch.available) {
    buttons.push(h('button', { onclick: () => void applyRequest({ action: st.torch.on ? 'torch_off' : 'torch_on' }, false) }, t(st.torch.on ? 'btn.torchOff' : 'btn.torchOn')));
  }
  if (st.zoom) {
    const z = st.zoom;
    buttons.push(
      h('button', { onclick: () => void applyRequest({ action: 'zoom', zoom: z.value - z.step * 5 }, false) }, t('btn.zoomOut')),
      h('button', { onclick: () => void applyRequest({ action: 'zoom', zoom: z.value + z.step * 5 }, false) }, t('btn.zoomIn')),
    );
  }
  controls.replaceChildren(...buttons);
}

/**
 * One camera operation at a time: switching cameras stops the track a photo may be reading from
 * (an inspector asking for a photo and for the front camera at once gave a broken image).
 */
let cameraQueue: Promise<unknown> = Promise.resolve();
function withCamera<T>(work: () => Promise<T>): Promise<T> {
  const run = cameraQueue.then(work, work);
  cameraQueue = run.catch(() => undefined);
  return run;
}

async function switchCamera(facing: 'environment' | 'user'): Promise<void> {
  const cam = camera;
  if (!cam || facts.end) return;
  try {
    await withCamera(async () => {
      const track = await cam.switchTo(facing);
      if (facts.end) {
        track.stop();
        return;
      }
      preview.srcObject = new MediaStream([track]);
      await videoProducer?.replaceTrack({ track });
    });
  } catch {
    toast(t('req.unsupported'), 'error');
  }
  reportCamera();
}

async function applyRequest(req: CameraRequest, fromInspector: boolean): Promise<void> {
  if (!camera || facts.end) return;
  if (fromInspector) toast(t(`req.${req.action}` as MessageKey));
  let ok = true;
  if (req.action === 'rear' || req.action === 'front') await switchCamera(req.action === 'rear' ? 'environment' : 'user');
  else if (req.action === 'torch_on' || req.action === 'torch_off') ok = await camera.setTorch(req.action === 'torch_on').catch(() => false);
  else if (req.action === 'zoom' && req.zoom !== undefined) ok = await camera.setZoom(req.zoom).catch(() => false);
  if (!ok) toast(t('req.unsupported'), 'error');
  reportCamera();
}

socket.on('camera:request', (req) => void applyRequest(req, true));
socket.on('walk:prompt', showPrompt);

/** Why each waiting photo waits, as last told: the phone says it again only when the reason changes, not at every retry. */
const waitingShown = new Map<string, string>();
function noteWaiting(requestId: string, why: string): void {
  if (facts.end || waitingShown.get(requestId) === why) return;
  waitingShown.set(requestId, why);
  toast(fill('photo.waiting', { why }), 'info', 5000);
}

const uploader = new PhotoUploader(boot.token, boot.sessionId, {
  parked: () => {
    // The link no longer takes photos. Say where they are, and whether anything can still send them.
    const end = facts.end;
    if (end === 'finished' || end === 'session_ended') {
      photosNote.textContent = t('phone.photosUnsent');
      photosNote.hidden = false;
      return;
    }
    toast(t('photo.parked'), 'error', 10_000);
    if (end) {
      photosNote.textContent = t(LINK_GONE.has(end) || end === 'replaced' ? 'phone.photosKept.newLink' : 'phone.photosKept.sameLink');
      photosNote.hidden = false;
    }
  },
  progress: (p) => {
    if (socket.connected && session) socket.emit('capture:progress', p, () => undefined);
    if (p.state === 'retrying') noteWaiting(p.requestId, p.message ?? t('photo.retrying'));
    if (p.state === 'failed') {
      waitingShown.delete(p.requestId);
      toast(fill('photo.refused', { why: p.message ?? t('photo.failed') }), 'error', 8000);
    }
  },
  busy: (uploading) => {
    // A photo going up on a weak uplink must not freeze the live picture: give the video less room meanwhile.
    void videoProducer?.setRtpEncodingParameters({ maxBitrate: uploading ? 250_000 : 1_200_000 }).catch(() => undefined);
  },
});
(probe as unknown as { photos: () => number }).photos = () => uploader.pending;
(probe as unknown as { videoMaxBitrate: () => number | undefined }).videoMaxBitrate = () => videoProducer?.rtpSender?.getParameters().encodings[0]?.maxBitrate;

socket.on('capture:request', ({ pointKey, captureId }) => {
  void (async () => {
    const cam = camera;
    if (!cam || facts.end) return;
    toast(t('photo.taking'));
    try {
      // The track is read inside the queue: a camera switch just before changes which one it is.
      const blob = await withCamera(() => takePhoto(cam.video));
      uploader.add(pointKey, blob, positions.latest, { source: 'photo', captureId });
    } catch {
      toast(t('photo.failed'), 'error');
    }
  })();
});

socket.on('presence', (p) => {
  facts.presence = p;
  presenceSinceJoin = true;
  noteInspectors(p.inspectors);
  render();
});
socket.on('session:state', ({ state }) => {
  const end = endKindOfState(state);
  if (end) return endWith(end, undefined, { hangUp: false });
  const seen = stateImpliesInspector(state);
  if (seen) facts.inspectorSeen = true;
  else if (seen === false && (facts.presence?.inspectors ?? 0) === 0) facts.inspectorSeen = false;
  render();
});
socket.on('call:ended', ({ reason, message }) => endWith(endKindOfReason(reason), message, { hangUp: true }));
/** Back-off for a join that failed on a connected socket (a weak uplink timing out, a call changing hands). */
let rejoinDelayMs = 1000;
socket.on('connect', () => {
  probe.marks.socketConnected = performance.now();
  joinCall().then(
    () => (rejoinDelayMs = 1000),
    (err: unknown) => {
      // A refused camera has its own screen; a network message would only mislead.
      if (facts.cameraDenied || facts.end) return;
      console.warn('join failed', err instanceof RequestError ? `${err.code}: ${err.message}` : err);
      // Not in the call, so say so, and try again from a fresh connection: the handshake re-checks the
      // link, so a link revoked meanwhile ends on its own screen instead of retrying for ever.
      facts.connection = 'reconnecting';
      render();
      const delay = rejoinDelayMs;
      rejoinDelayMs = Math.min(rejoinDelayMs * 2, 15_000);
      setTimeout(() => {
        if (!facts.end && socket.connected) socket.disconnect().connect();
      }, delay);
    },
  );
});
socket.on('disconnect', (reason) => {
  session?.close();
  session = undefined;
  if (facts.end) return;
  if (reason === 'io server disconnect') {
    // Hung up without saying why (the reason comes first when there is one): offer to reconnect.
    endWith('disconnected', undefined, { hangUp: true });
    return;
  }
  facts.connection = 'reconnecting';
  render();
});
socket.on('connect_error', (err) => {
  if (facts.end) return;
  const data = (err as Error & { data?: Partial<WireErrorShape> }).data;
  const kind = endKindOfRefusal(data?.reason);
  if (kind) {
    endWith(kind, data?.message, { hangUp: true });
  } else if (data?.message && !socket.active) {
    // Refused for a reason with no screen of its own (e.g. too many attempts): let them try again.
    endWith('disconnected', data.message, { hangUp: true });
  } else {
    facts.connection = 'reconnecting';
    render();
  }
});

const cameraReady = openCamera().then((c) => {
  probe.marks.cameraReady = performance.now();
  if (facts.end) {
    // The call ended while the phone was still asking for the camera: let go of it at once.
    c.stop();
    throw new Error('call ended before the camera opened');
  }
  camera = c;
  preview.srcObject = new MediaStream([c.video]);
  positions.start();
  return c;
});
cameraReady.catch((err) => console.warn('camera unavailable', err));
render();
