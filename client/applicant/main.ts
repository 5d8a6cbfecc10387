import type { Producer } from 'mediasoup-client/lib/types';
import type { CameraRequest, EndReason } from '../../server/protocol/signaling';
import type { ApplicantPrompt } from '../../server/protocol/walk';
import { h, readBoot, toast } from '../shared/dom';
import { inboundTotals } from '../shared/inboundStats';
import { t, type MessageKey } from '../shared/i18n';
import { MediaSession } from '../shared/MediaSession';
import { RequestError, SignalingClient } from '../shared/SignalingClient';
import { LocalCamera } from './LocalCamera';
import { PhotoUploader } from './PhotoUploader';
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

type PageState = 'connecting' | 'live' | 'reconnecting' | 'ended';

const boot = readBoot<Boot>();
const app = document.getElementById('app')!;
document.body.classList.add('applicant');

// Exposed for the end-to-end tests and the join benchmark (timings only, nothing secret).
const probe = {
  state: 'connecting' as PageState,
  marks: {} as Record<string, number>,
  joins: 0,
  inbound: async () => (session ? inboundTotals(await session.recvTransport.getStats()) : null),
};
(window as unknown as { __kanyan: typeof probe }).__kanyan = probe;
probe.marks.scriptStart = performance.now();

const stateLine = h('p', { class: 'state', 'data-state': 'connecting' }, t('state.connecting'));
const promptBox = h('section', { class: 'prompt', hidden: true, 'aria-live': 'polite' });
const preview = h('video', { class: 'preview', autoplay: true, muted: true, playsInline: true });
const remoteAudio = h('audio', { autoplay: true });
const controls = h('div', { class: 'controls' });
const endedBox = h('div', { class: 'ended', hidden: true });
app.append(
  h('header', {}, h('h1', {}, boot.businessName), h('p', { class: 'case-number' }, boot.caseNumber)),
  h('section', { class: 'why' }, h('p', {}, t('why.title')), h('ul', {}, h('li', {}, t('why.camera')), h('li', {}, t('why.mic')), h('li', {}, t('why.location')))),
  stateLine,
  promptBox,
  h('div', { class: 'stage' }, preview),
  controls,
  endedBox,
  remoteAudio,
);

function setState(state: PageState): void {
  probe.state = state;
  stateLine.dataset.state = state;
  stateLine.textContent = t(`state.${state}` as MessageKey);
  document.body.dataset.state = state;
}

function showPrompt(p: ApplicantPrompt | null): void {
  promptBox.hidden = !p || p.closed;
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

function showEnded(message: string, reason: EndReason | 'error'): void {
  setState('ended');
  endedBox.hidden = false;
  endedBox.replaceChildren(h('h2', {}, t('state.ended')), h('p', { class: 'ended-message' }, message));
  if (reason === 'media_failure' || reason === 'server_shutdown' || reason === 'error') {
    endedBox.append(h('button', { class: 'primary', onclick: () => location.reload() }, t('btn.reconnect')));
  }
  controls.replaceChildren();
  preview.srcObject = null;
}

let camera: LocalCamera | undefined;
let session: MediaSession | undefined;
let videoProducer: Producer | undefined;
let ended = false;

async function openCamera(): Promise<LocalCamera> {
  try {
    return await LocalCamera.open();
  } catch (err) {
    const retry = h('button', { class: 'primary', onclick: () => location.reload() }, t('btn.retry'));
    endedBox.hidden = false;
    endedBox.replaceChildren(h('p', { class: 'error' }, t('perm.denied')), retry);
    throw err;
  }
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
  if (ended) return;
  session?.close();
  session = undefined;
  probe.marks.joinStart = performance.now();
  const s = await MediaSession.start(signaling, boot.rtpCapabilities, {
    onTrack: (track) => {
      if (track.kind === 'audio') remoteAudio.srcObject = new MediaStream([track]);
    },
    onTrackEnded: () => undefined,
    onTransportFailed: () => {
      // The media path broke while signaling may still be up: reconnect everything.
      socket.disconnect().connect();
    },
  });
  session = s;
  probe.marks.joinAck = s.timings.joinAckAt;
  showPrompt(s.join.prompt);
  s.onConnected = (at) => (probe.marks.sendConnected = at);
  // Signaling and the camera start in parallel; media goes out once both are ready.
  const cam = await cameraReady;
  if (session !== s) return;
  videoProducer = await s.produce(cam.video, 'camera', 1_200_000);
  await s.produce(cam.audio, 'mic');
  probe.marks.produced = performance.now();
  probe.joins++;
  setState('live');
  positions.resend();
  reportCamera();
}

function reportCamera(): void {
  if (camera && session) socket.emit('camera:state', camera.state(), () => undefined);
  renderControls();
}

function renderControls(): void {
  if (!camera || ended) return;
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

async function switchCamera(facing: 'environment' | 'user'): Promise<void> {
  if (!camera) return;
  try {
    const track = await camera.switchTo(facing);
    preview.srcObject = new MediaStream([track]);
    await videoProducer?.replaceTrack({ track });
  } catch {
    toast(t('req.unsupported'), 'error');
  }
  reportCamera();
}

async function applyRequest(req: CameraRequest, fromInspector: boolean): Promise<void> {
  if (!camera) return;
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

const uploader = new PhotoUploader(boot.token, boot.sessionId, {
  parked: () => toast(t('photo.parked'), 'error', 10_000),
  progress: (p) => {
    if (socket.connected && session) socket.emit('capture:progress', p, () => undefined);
    if (p.state === 'retrying') toast(t('photo.retrying'), 'info', 2500);
    if (p.state === 'failed') toast(p.message ?? t('photo.failed'), 'error', 6000);
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
    if (!camera) return;
    toast(t('photo.taking'));
    try {
      const blob = await takePhoto(camera.video);
      uploader.add(pointKey, blob, positions.latest, { source: 'photo', captureId });
    } catch {
      toast(t('photo.failed'), 'error');
    }
  })();
});
socket.on('call:ended', ({ reason, message }) => {
  ended = true;
  session?.close();
  positions.stop();
  camera?.stop();
  showEnded(message, reason);
});
socket.on('connect', () => {
  probe.marks.socketConnected = performance.now();
  joinCall().catch((err: unknown) => {
    const message = err instanceof RequestError ? err.message : t('err.network');
    toast(message, 'error', 8000);
  });
});
socket.on('disconnect', (reason) => {
  session?.close();
  session = undefined;
  if (!ended && reason !== 'io server disconnect') setState('reconnecting');
});
socket.on('connect_error', (err) => {
  // The handshake was refused (link revoked or expired meanwhile): nothing to retry.
  const data = (err as Error & { data?: { code?: string; message?: string } }).data;
  if (data?.message && !socket.active) {
    ended = true;
    camera?.stop();
    showEnded(data.message, 'revoked');
  } else if (!ended) setState('reconnecting');
});

const cameraReady = openCamera().then((c) => {
  camera = c;
  probe.marks.cameraReady = performance.now();
  preview.srcObject = new MediaStream([c.video]);
  positions.start();
  return c;
});
cameraReady.catch((err) => console.warn('camera unavailable', err));
