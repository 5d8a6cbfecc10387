import type { Producer } from 'mediasoup-client/lib/types';
import type { SessionState } from '../../server/inspection/SessionState';
import type { ApplicantPresence, CallPresence, CallRole, EndReason } from '../../server/protocol/signaling';
import type { WalkPointView, WalkView } from '../../server/protocol/walk';
import type { Member } from '../shared/api';
import { h, toast } from '../shared/dom';
import { inboundTotals, type InboundTotals } from '../shared/inboundStats';
import { t, type MessageKey } from '../shared/i18n';
import { MediaSession } from '../shared/MediaSession';
import { RequestError, SignalingClient } from '../shared/SignalingClient';
import { fill } from '../shared/staff';
import { CallBar } from './call/CallBar';
import { CallHeader } from './call/CallHeader';
import { DistanceBanner, positionAlert } from './call/DistanceBanner';
import { PositionPanel } from './call/PositionPanel';
import { Tabs } from './call/Tabs';
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
 * The inspector's live call at 1366×768 and up: the video with its call bar on the left, the
 * current checklist point pinned on the right with the panels (points, facts, position, sign-off)
 * under it, and a banner over the video when the phone is not where the point needs it. A
 * supervisor who is not assigned watches (旁听): receive only, nothing can change.
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
  // Toasts move over the video while the call is shown, so they never cover the call bar or the point.
  document.body.classList.add('in-call');

  let session: MediaSession | undefined;
  let mic: MediaStreamTrack | undefined;
  let micProducer: Producer | undefined;
  let videoConsumerId: string | undefined;
  let ended = false;
  /** Why the call ended, in the console's words; shown on the video until the page is left. */
  let endMessage: string | undefined;
  let caseId: string | undefined;
  /** The point the card shows: its distance rule is the one the banner checks. */
  let shownPoint: WalkPointView | undefined;
  const meter = new QualityMeter();
  const backHref = () => (caseId ? `#/case/${caseId}` : '#/cases');

  const video = h('video', { class: 'remote', autoplay: true, muted: true, playsInline: true });
  const audio = h('audio', { autoplay: true });
  const overlay = h('div', { class: 'overlay', 'data-presence': 'waiting' }, t('state.waiting'));
  const banner = new DistanceBanner();
  const header = new CallHeader();
  const position = new PositionPanel();
  const grabFrame = async (): Promise<Blob | null> => {
    if (!video.videoWidth) return null;
    const canvas = h('canvas', { width: video.videoWidth, height: video.videoHeight });
    canvas.getContext('2d')!.drawImage(video, 0, 0);
    return new Promise((resolve) => canvas.toBlob((b) => resolve(b), 'image/jpeg', 0.92));
  };
  let tabs: Tabs | undefined;
  // Closing the checklist is all the page does: the server ends the call and seals the record.
  const checklist = new ChecklistPanel(signaling, sessionId, grabFrame, {
    member,
    readOnly: false,
    backHref,
    showPanel: (id) => tabs?.select(id),
    onFactsMissing: (n) => tabs?.setBadge('facts', n ? fill('call.tab.factsMissing', { n }) : null),
    onPointShown: (p) => {
      shownPoint = p;
      position.setLimit(p?.applies ? p.evidence.maxDistanceM : undefined);
      renderBanner();
    },
  });
  tabs = new Tabs(
    [
      { id: 'points', label: t('call.tab.points'), panel: checklist.points },
      { id: 'facts', label: t('call.tab.facts'), panel: checklist.facts },
      { id: 'position', label: t('call.tab.position'), panel: position.root },
      { id: 'close', label: t('call.tab.close'), panel: checklist.close },
    ],
    'points',
    t('call.tabs.label'),
  );
  const bar = new CallBar({
    mute: () => {
      if (!mic) return;
      mic.enabled = !mic.enabled;
      bar.setMuted(!mic.enabled);
      if (micProducer) void (mic.enabled ? micProducer.resume() : micProducer.pause());
    },
    // Leaves the call without closing the inspection; the checklist's close button ends it.
    leave: () => (location.hash = backHref()),
    interrupt: () => {
      if (!confirm(t('console.interruptConfirm'))) return;
      // With the checklist open, ending the call interrupts the inspection; the server says so with events.
      signaling.request('call:end', {}).catch((e: Error) => toast(e.message, 'error', 8000));
    },
    camera: (action, zoom) => void signaling.request('camera:request', { action, zoom }).catch((e: Error) => toast(e.message, 'error')),
    showPosition: () => tabs?.select('position', true),
  });

  const root = h(
    'div',
    { class: 'call' },
    h('div', { class: 'stage-col' }, header.root, h('div', { class: 'video-pane' }, video, overlay, banner.root, audio), bar.root),
    h('div', { class: 'work-col' }, checklist.card, tabs.root),
  );

  const renderBanner = () => {
    const walk = probe.walk;
    const walkLimits = walk?.points.filter((p) => p.applies && p.evidence.maxDistanceM !== undefined).map((p) => p.evidence.maxDistanceM!) ?? [];
    const latest = position.latest;
    banner.show(
      ended || walk?.closed
        ? null
        : positionAlert({
            position: latest ?? null,
            receivedAt: latest?.receivedAt ?? 0,
            now: Date.now(),
            pointLimitM: shownPoint?.applies ? shownPoint.evidence.maxDistanceM : undefined,
            walkLimitM: walkLimits.length ? Math.max(...walkLimits) : undefined,
            applicantLive: probe.presence === 'live',
          }),
    );
  };

  const renderWalk = (view: WalkView) => {
    probe.walk = view;
    checklist.render(view);
    renderBanner();
  };

  // Presence comes only from the server; the overlay also waits for a video track to show.
  const setPresence = (p: ApplicantPresence | 'ended') => {
    probe.presence = p;
    bar.setApplicant(p, probe.callPresence);
    renderOverlay();
    renderBanner();
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

  /** The session's state, and what this page may still do in it. */
  const renderStatus = () => {
    const state = probe.sessionState;
    const observer = probe.role === 'observer';
    header.setState(state, observer);
    const open = !!state && WALK_OPEN.includes(state) && !ended;
    bar.setMode({ observer, ended, walkOpen: open });
    // The checklist can change only while the session is open (the server refuses otherwise).
    checklist.setReadOnly(observer || (!!state && !open));
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
    caseId = s.join.caseSummary.caseId;
    header.setCase(s.join.caseSummary);
    position.setRegistered(s.join.caseSummary.address);
    if (s.join.position) position.addFix(s.join.position);
    bar.setPosition(s.join.position);
    bar.setCamera(s.join.camera);
    renderStatus();
    setPresence(s.join.presence.applicant);
    if (s.join.walk) renderWalk(s.join.walk);
    // A watching supervisor only receives: no microphone.
    if (s.join.role !== 'inspector') return;
    mic ??= await navigator.mediaDevices
      .getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } })
      .then((st) => st.getAudioTracks()[0])
      .catch(() => {
        toast(t('call.micUnavailable'), 'error', 8000);
        return undefined;
      });
    if (mic) micProducer = await s.produce(mic, 'mic');
  };

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
    position.addFix(p);
    bar.setPosition(p);
    renderBanner();
  });
  socket.on('camera:state', (c) => bar.setCamera(c));
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

  // Once a second: the fix's age (the banner says when it goes stale) and the connection quality.
  const timer = setInterval(() => {
    position.renderNumbers();
    renderBanner();
    if (!session || ended) return;
    session.recvTransport
      .getStats()
      .then((report) => bar.setQuality(meter.read(report)))
      .catch(() => undefined);
  }, 1000);

  return {
    root,
    dispose() {
      document.body.classList.remove('in-call');
      clearInterval(timer);
      session?.close();
      mic?.stop();
      signaling.close();
    },
  };
}
