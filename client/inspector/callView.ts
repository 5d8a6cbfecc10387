import type { Producer } from 'mediasoup-client/lib/types';
import type { SessionState } from '../../server/inspection/SessionState';
import type { ApplicantPresence, CallPresence, CallRole, CameraAction, CameraState, EndReason, JoinResult, PositionUpdate } from '../../server/protocol/signaling';
import type { WalkView } from '../../server/protocol/walk';
import type { Member } from '../shared/api';
import { h, toast } from '../shared/dom';
import { inboundTotals, type InboundTotals } from '../shared/inboundStats';
import { permitLabel, t, type MessageKey } from '../shared/i18n';
import { MediaSession } from '../shared/MediaSession';
import { RequestError, SignalingClient } from '../shared/SignalingClient';
import { fill, labelled, listOf } from '../shared/staff';
import { sessionStateLabel } from './labels';
import { ChecklistPanel } from './ChecklistPanel';
import { QualityMeter } from './QualityMeter';

/** States in which the checklist is open: the call can be interrupted (server/inspection/SessionState.ts). */
const WALK_OPEN: readonly SessionState[] = ['scheduled', 'waiting_for_applicant', 'live', 'applicant_reconnecting'];
/** Why a call ended, for good: the page stops rejoining. Other reasons (media failure, restart) rejoin. */
const FINAL_END: readonly EndReason[] = ['finished', 'interrupted', 'logged_out'];

export interface CallProbe {
  presence: ApplicantPresence | 'ended';
  /** Wall-clock time (ms) of the first rendered frame of each video track received. */
  firstFrames: number[];
  videoTracks: number;
  inbound(): Promise<InboundTotals | null>;
  /** The latest checklist state the console rendered. */
  walk?: WalkView;
  /** The session's lifecycle state, as the server last said. */
  sessionState?: SessionState;
  /** This page's part in the call: 'observer' for a supervisor watching. */
  role?: CallRole;
  /** Who is in the call, from the server's 'presence' events. */
  callPresence?: CallPresence;
}

/**
 * The inspector's live call: large video, two-way audio, position, quality, camera requests, the
 * checklist. A supervisor who is not assigned watches (旁听): receive only, nothing can change.
 */
export function callView(sessionId: string, routerCaps: unknown, member: Member, onLoggedOut: (message: string) => void): { root: HTMLElement; dispose(): void } {
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
  const statusBar = h('div', { class: 'call-status', role: 'status' });
  const posBox = h('dl', { class: 'position', 'data-has-fix': 'false' }, h('dd', {}, t('pos.none')));
  const statsBox = h('dl', { class: 'stats' });
  const muteBtn = h('button', { class: 'mute' }, t('btn.mute'));
  const cameraBtns = h('div', { class: 'camera-buttons' });
  const endBtn = h('button', { class: 'end' }, t('btn.hangup'));
  const interruptBtn = h('button', { class: 'danger-outline interrupt', hidden: true }, t('console.interrupt'));
  const controlsCard = h('section', { class: 'card controls' }, muteBtn, cameraBtns, interruptBtn, endBtn);
  const grabFrame = async (): Promise<Blob | null> => {
    if (!video.videoWidth) return null;
    const canvas = h('canvas', { width: video.videoWidth, height: video.videoHeight });
    canvas.getContext('2d')!.drawImage(video, 0, 0);
    return new Promise((resolve) => canvas.toBlob((b) => resolve(b), 'image/jpeg', 0.92));
  };
  // Closing the checklist is all the page does: the server ends the call and seals the record.
  const checklist = new ChecklistPanel(signaling, sessionId, grabFrame, { member, readOnly: false });
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
      h('section', { class: 'card call-head' }, header, statusBar),
      checklist.root,
      h('section', { class: 'card' }, h('h3', {}, t('pos.title')), posBox),
      h('section', { class: 'card' }, h('h3', {}, t('stats.title')), statsBox),
      controlsCard,
    ),
  );

  let position: PositionUpdate | null = null;
  let camera: CameraState | null = null;
  let session: MediaSession | undefined;
  let mic: MediaStreamTrack | undefined;
  let micProducer: Producer | undefined;
  let videoConsumerId: string | undefined;
  let ended = false;
  /** Why the call ended, in the console's words; shown on the video until the page is left. */
  let endMessage: string | undefined;
  let caseId: string | undefined;
  const meter = new QualityMeter();
  const backHref = () => (caseId ? `#/case/${caseId}` : '#/cases');

  // Presence comes only from the server; the overlay also waits for a video track to show.
  const setPresence = (p: ApplicantPresence | 'ended') => {
    probe.presence = p;
    renderOverlay();
  };
  const renderOverlay = () => {
    const p = probe.presence;
    overlay.dataset.presence = p;
    overlay.hidden = !endMessage && p === 'live' && videoConsumerId !== undefined;
    if (endMessage) {
      overlay.replaceChildren(h('p', {}, endMessage), h('a', { class: 'button primary back-to-case', href: backHref() }, t('console.backToCase')));
    } else {
      overlay.textContent = p === 'ended' ? t('state.ended') : t(`state.${p}` as MessageKey);
    }
  };

  /** The session's state, who is in the call, and whether this page only watches. */
  const renderStatus = () => {
    const state = probe.sessionState;
    const cp = probe.callPresence;
    const observer = probe.role === 'observer';
    const parts: Array<HTMLElement | null> = [
      h(
        'div',
        { class: 'row status-row' },
        state ? h('span', { class: `state-badge state-${state}`, 'data-state': state }, sessionStateLabel(state)) : null,
        observer ? h('span', { class: 'observer-badge' }, t('console.observerBadge')) : null,
      ),
      cp
        ? h(
            'p',
            { class: 'presence-line', 'data-applicant': cp.applicant },
            fill('console.presence', { a: t(`console.applicant.${cp.applicant}` as MessageKey), n: cp.inspectors, o: cp.observers }),
          )
        : null,
      observer ? h('p', { class: 'muted observer-hint' }, t('console.observerHint')) : null,
    ];
    statusBar.replaceChildren(...parts.filter((x): x is HTMLElement => x !== null));
    const open = !!state && WALK_OPEN.includes(state) && !ended;
    interruptBtn.hidden = observer || !open;
    // Once the call is over there is nothing to say to the phone or ask of it; the overlay leads back.
    muteBtn.hidden = observer || ended;
    cameraBtns.hidden = observer || ended;
    controlsCard.hidden = ended;
    // The checklist can change only while the session is open (the server refuses otherwise).
    checklist.setReadOnly(observer || (!!state && !open));
  };

  const renderHeader = (j: JoinResult) => {
    const c = j.caseSummary;
    caseId = c.caseId;
    header.replaceChildren(
      h('h2', {}, c.businessName),
      h('p', {}, `${c.caseNumber} · ${listOf(c.permitTypes.map(permitLabel))}`),
      h('p', { class: 'muted' }, labelled(t('case.address'), c.address.text)),
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
    probe.role = s.join.role;
    probe.sessionState = s.join.sessionState;
    probe.callPresence = s.join.presence;
    renderHeader(s.join);
    renderStatus();
    position = s.join.position;
    camera = s.join.camera;
    renderPosition();
    renderCamera();
    setPresence(s.join.presence.applicant);
    if (s.join.walk) renderWalk(s.join.walk);
    // A watching supervisor only receives: no microphone.
    if (s.join.role !== 'inspector') return;
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
    location.hash = backHref();
  });
  interruptBtn.addEventListener('click', () => {
    if (!confirm(t('console.interruptConfirm'))) return;
    // With the checklist open, ending the call interrupts the inspection; the server says so with events.
    signaling.request('call:end', {}).catch((e: Error) => toast(e.message, 'error', 8000));
  });

  const tryJoin = () => {
    if (ended) return;
    join().catch((err: unknown) => toast(err instanceof RequestError ? err.message : t('err.network'), 'error', 8000));
  };
  socket.on('connect', tryJoin);
  socket.on('disconnect', () => {
    session?.close();
    session = undefined;
    videoConsumerId = undefined;
  });
  socket.on('connect_error', (err) => {
    const data = (err as Error & { data?: { code?: string; message?: string } }).data;
    if (data?.message && !socket.active) {
      ended = true;
      if (data.code === 'unauthorized') return onLoggedOut(data.message);
      endMessage = data.message;
      setPresence('ended');
      renderStatus();
      toast(data.message, 'error', 10_000);
    }
  });
  socket.on('presence', (p) => {
    probe.callPresence = p;
    setPresence(p.applicant);
    renderStatus();
  });
  socket.on('session:state', ({ state }) => {
    probe.sessionState = state;
    renderStatus();
  });
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
  socket.on('call:ended', ({ reason, message }) => {
    const text = t(`console.ended.${reason}` as MessageKey) ?? message;
    if (reason === 'logged_out') {
      ended = true;
      return onLoggedOut(text);
    }
    session?.close();
    session = undefined;
    videoConsumerId = undefined;
    if (FINAL_END.includes(reason)) {
      ended = true;
      endMessage = text;
      setPresence('ended');
      renderStatus();
      toast(text, 'info', 10_000);
      return;
    }
    // The media side failed or the server is restarting: rejoin (at once if the socket stayed up).
    toast(text, 'info', 6000);
    renderOverlay();
    if (socket.connected) setTimeout(tryJoin, 1000);
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
