import type { Producer } from 'mediasoup-client/lib/types';
import type { ApplicantPresence, CameraAction, CameraState, JoinResult, PositionUpdate } from '../../server/protocol/signaling';
import type { WalkView } from '../../server/protocol/walk';
import { h, toast } from '../shared/dom';
import { inboundTotals, type InboundTotals } from '../shared/inboundStats';
import { permitLabel, t, type MessageKey } from '../shared/i18n';
import { MediaSession } from '../shared/MediaSession';
import { RequestError, SignalingClient } from '../shared/SignalingClient';
import { ChecklistPanel } from './ChecklistPanel';
import { QualityMeter } from './QualityMeter';

export interface CallProbe {
  presence: ApplicantPresence | 'ended';
  /** Wall-clock time (ms) of the first rendered frame of each video track received. */
  firstFrames: number[];
  videoTracks: number;
  inbound(): Promise<InboundTotals | null>;
  /** The latest checklist state the console rendered. */
  walk?: WalkView;
}

/** The inspector's live call: large video, two-way audio, position, quality, camera requests. */
export function callView(sessionId: string, routerCaps: unknown): { root: HTMLElement; dispose(): void } {
  MediaSession.preload(routerCaps);
  const signaling = new SignalingClient({ role: 'inspector', sessionId });
  const socket = signaling.socket;
  const probe: CallProbe = {
    presence: 'waiting',
    firstFrames: [],
    videoTracks: 0,
    inbound: async () => (session ? inboundTotals(await session.recvTransport.getStats()) : null),
  };
  (window as unknown as { __kanyanCall: CallProbe }).__kanyanCall = probe;

  const video = h('video', { class: 'remote', autoplay: true, muted: true, playsInline: true });
  const audio = h('audio', { autoplay: true });
  const overlay = h('div', { class: 'overlay', 'data-presence': 'waiting' }, t('state.waiting'));
  const header = h('div', { class: 'call-header' });
  const posBox = h('dl', { class: 'position', 'data-has-fix': 'false' }, h('dd', {}, t('pos.none')));
  const statsBox = h('dl', { class: 'stats' });
  const muteBtn = h('button', { class: 'mute' }, t('btn.mute'));
  const cameraBtns = h('div', { class: 'camera-buttons' });
  const endBtn = h('button', { class: 'end' }, t('btn.hangup'));
  const grabFrame = async (): Promise<Blob | null> => {
    if (!video.videoWidth) return null;
    const canvas = h('canvas', { width: video.videoWidth, height: video.videoHeight });
    canvas.getContext('2d')!.drawImage(video, 0, 0);
    return new Promise((resolve) => canvas.toBlob((b) => resolve(b), 'image/jpeg', 0.92));
  };
  const checklist = new ChecklistPanel(signaling, sessionId, grabFrame, () => {
    // Closing the checklist ends the inspection: the call ends and the link stops working.
    signaling.request('call:end', { reason: 'checklist closed' }).catch((e: Error) => toast(e.message, 'error'));
  });
  const renderWalk = (view: WalkView) => {
    probe.walk = view;
    checklist.render(view);
  };
  const root = h(
    'div',
    { class: 'call' },
    h('div', { class: 'video-pane' }, video, overlay, audio),
    h(
      'aside',
      { class: 'side' },
      header,
      checklist.root,
      h('section', { class: 'card' }, h('h3', {}, t('pos.title')), posBox),
      h('section', { class: 'card' }, h('h3', {}, t('stats.title')), statsBox),
      h('section', { class: 'card controls' }, muteBtn, cameraBtns, endBtn),
      h('a', { href: '#/cases' }, t('btn.back')),
    ),
  );

  let position: PositionUpdate | null = null;
  let camera: CameraState | null = null;
  let session: MediaSession | undefined;
  let mic: MediaStreamTrack | undefined;
  let micProducer: Producer | undefined;
  let videoConsumerId: string | undefined;
  let ended = false;
  const meter = new QualityMeter();

  // Presence comes only from the server; the overlay also waits for a video track to show.
  const setPresence = (p: ApplicantPresence | 'ended') => {
    probe.presence = p;
    renderOverlay();
  };
  const renderOverlay = () => {
    const p = probe.presence;
    overlay.dataset.presence = p;
    overlay.hidden = p === 'live' && videoConsumerId !== undefined;
    overlay.textContent = p === 'ended' ? t('state.ended') : t(`state.${p}` as MessageKey);
  };

  const renderHeader = (j: JoinResult) => {
    const c = j.caseSummary;
    header.replaceChildren(
      h('h2', {}, c.businessName),
      h('p', {}, `${c.caseNumber} · ${c.permitTypes.map(permitLabel).join('、')}`),
      h('p', { class: 'muted' }, `${t('case.address')}: ${c.address.text}`),
    );
  };

  const renderPosition = () => {
    if (!position) return;
    const age = Math.max(0, Math.round((Date.now() - position.fixTime) / 1000));
    posBox.dataset.hasFix = 'true';
    posBox.replaceChildren(
      h('dt', {}, 'lat, lon'),
      h('dd', { class: 'latlon' }, `${position.lat.toFixed(6)}, ${position.lon.toFixed(6)}`),
      h('dt', {}, t('pos.accuracy')),
      h('dd', { class: 'accuracy' }, `±${Math.round(position.accuracyM)} m`),
      h('dt', {}, t('pos.distance')),
      h('dd', { class: 'distance', 'data-metres': String(position.distanceM) }, `${Math.round(position.distanceM)} m`),
      h('dt', {}, t('pos.age')),
      h('dd', { class: 'age' }, `${age} ${t('pos.secondsAgo')}`),
    );
  };

  const renderCamera = () => {
    const ask = (action: CameraAction, zoom?: number) =>
      signaling.request('camera:request', { action, zoom }).catch((e: Error) => toast(e.message, 'error'));
    const btns: HTMLElement[] = [
      h('button', { class: 'ask-rear', onclick: () => void ask('rear') }, t('btn.rear')),
      h('button', { class: 'ask-front', onclick: () => void ask('front') }, t('btn.front')),
    ];
    if (camera?.torch.available) {
      btns.push(h('button', { class: 'ask-torch', onclick: () => void ask(camera?.torch.on ? 'torch_off' : 'torch_on') }, t(camera.torch.on ? 'btn.torchOff' : 'btn.torchOn')));
    }
    const z = camera?.zoom;
    if (z) {
      btns.push(
        h('button', { class: 'ask-zoom-out', onclick: () => void ask('zoom', z.value - z.step * 5) }, t('btn.zoomOut')),
        h('button', { class: 'ask-zoom-in', onclick: () => void ask('zoom', z.value + z.step * 5) }, t('btn.zoomIn')),
      );
    }
    cameraBtns.replaceChildren(...btns);
  };

  const join = async () => {
    session?.close();
    const s = await MediaSession.start(signaling, routerCaps, {
      onTrack: (track, offer) => {
        if (track.kind === 'video') {
          videoConsumerId = offer.id;
          probe.videoTracks++;
          video.srcObject = new MediaStream([track]);
          meter.reset();
          video.requestVideoFrameCallback?.(() => probe.firstFrames.push(performance.timeOrigin + performance.now()));
        } else {
          audio.srcObject = new MediaStream([track]);
        }
        renderOverlay();
      },
      onTrackEnded: (consumerId) => {
        if (consumerId === videoConsumerId) {
          videoConsumerId = undefined;
          renderOverlay();
        }
      },
      onTransportFailed: () => socket.disconnect().connect(),
    });
    session = s;
    renderHeader(s.join);
    position = s.join.position;
    camera = s.join.camera;
    renderPosition();
    renderCamera();
    setPresence(s.join.applicant);
    if (s.join.walk) renderWalk(s.join.walk);
    mic ??= await navigator.mediaDevices
      .getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } })
      .then((st) => st.getAudioTracks()[0])
      .catch(() => {
        toast('无法使用麦克风，申请人将听不到您的声音', 'error', 8000);
        return undefined;
      });
    if (mic) micProducer = await s.produce(mic, 'mic');
  };

  muteBtn.addEventListener('click', () => {
    if (!mic) return;
    mic.enabled = !mic.enabled;
    muteBtn.textContent = mic.enabled ? t('btn.mute') : t('btn.unmute');
    muteBtn.classList.toggle('active', !mic.enabled);
    if (micProducer) void (mic.enabled ? micProducer.resume() : micProducer.pause());
  });
  endBtn.addEventListener('click', () => {
    // Leaves the call without closing the inspection; the checklist's close button ends it.
    location.hash = '#/cases';
  });

  socket.on('connect', () => {
    join().catch((err: unknown) => toast(err instanceof RequestError ? err.message : t('err.network'), 'error', 8000));
  });
  socket.on('disconnect', () => {
    session?.close();
    session = undefined;
    videoConsumerId = undefined;
  });
  socket.on('connect_error', (err) => {
    const data = (err as Error & { data?: { message?: string } }).data;
    if (data?.message && !socket.active) {
      ended = true;
      setPresence('ended');
      toast(data.message, 'error', 10_000);
    }
  });
  socket.on('applicant:presence', ({ state }) => setPresence(state));
  socket.on('walk:state', (view) => renderWalk(view));
  socket.on('capture:progress', (p) => checklist.onCaptureProgress(p));
  socket.on('position', (p) => {
    position = p;
    renderPosition();
  });
  socket.on('camera:state', (c) => {
    camera = c;
    renderCamera();
  });
  socket.on('call:ended', ({ message }) => {
    ended = true;
    session?.close();
    setPresence('ended');
    overlay.textContent = message;
    toast(message, 'info', 10_000);
  });
  socket.on('protocol:error', (e) => console.warn('protocol error', e));


  const timer = setInterval(() => {
    renderPosition();
    if (!session || ended) return;
    session.recvTransport
      .getStats()
      .then((report) => {
        const q = meter.read(report);
        statsBox.replaceChildren(
          h('dt', {}, t('stats.bitrate')),
          h('dd', { class: 'bitrate' }, `${q.kbps} kbps`),
          h('dt', {}, t('stats.loss')),
          h('dd', { class: 'loss' }, `${q.lossPct}%`),
          h('dt', {}, t('stats.rtt')),
          h('dd', { class: 'rtt' }, q.rttMs === null ? '—' : `${q.rttMs} ms`),
          h('dt', {}, t('stats.resolution')),
          h('dd', { class: 'resolution' }, q.width ? `${q.width}×${q.height}` : '—'),
        );
      })
      .catch(() => undefined);
  }, 1000);

  return {
    root,
    dispose() {
      clearInterval(timer);
      session?.close();
      mic?.stop();
      signaling.close();
    },
  };
}
