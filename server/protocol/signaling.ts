import { z } from 'zod';
import type { SessionState } from '../inspection/SessionState';
import { text } from '../platform/Text';
import { labelled, said } from './fieldText';
import { humanText } from './text';
import type { ApplicantPrompt, WalkView } from './walk';

// The socket.io wire contract shared by server and pages. Every client message is parsed with
// these schemas at the edge; mediasoup's own parameter objects get a shape check here and a full
// check inside mediasoup (its TypeErrors become Invalid errors).

const Id = z.string().min(1).max(100);
/** mediasoup's own parameters: people only need to know the media setup went wrong. */
const MEDIA = text('媒体参数', 'Media parameters');
const Obj = z.record(z.string(), z.unknown());

/**
 * The times a phone may claim (its fix time, its own clock), in ms since the epoch. A schema has no
 * clock, so this is a plausible absolute range: outside it the phone's clock is broken, not merely
 * off, and the value is junk (1e300 once went into a record). Closeness to the server's time is
 * judged where the claim is used, with the server's clock (EvidenceIntake flags a stale fix).
 */
export const CLAIMED_TIME_RANGE = { min: Date.UTC(2020, 0, 1), max: Date.UTC(2100, 0, 1) } as const;
export const ClaimedTime = z
  .number()
  .int()
  .min(CLAIMED_TIME_RANGE.min, said(text('手机时间不合理（早于 2020 年），请校准手机时间', 'The phone’s clock is implausible (before 2020); please set the phone’s time')))
  .max(CLAIMED_TIME_RANGE.max, said(text('手机时间不合理（晚于 2100 年），请校准手机时间', 'The phone’s clock is implausible (after 2100); please set the phone’s time')));
/** A phone-reported accuracy in metres: positive, and no coarser than 100 km. */
export const ClaimedAccuracy = labelled(
  z
    .number()
    .positive(said(text('定位精度必须大于 0', 'The location accuracy must be greater than 0')))
    .max(100_000, said(text('定位精度不合理', 'The location accuracy is implausible'))),
  text('定位精度', 'Location accuracy'),
);
export const Latitude = labelled(z.number().min(-90).max(90), text('纬度', 'Latitude'));
export const Longitude = labelled(z.number().min(-180).max(180), text('经度', 'Longitude'));

export const RtpCapabilitiesInput = labelled(z.object({ codecs: z.array(Obj).max(200), headerExtensions: z.array(Obj).max(200).optional() }).passthrough(), MEDIA);

export const JoinRequest = z.object({
  rtpCapabilities: RtpCapabilitiesInput,
  /** The page's own clock, for skew diagnostics only: an implausible one is dropped, never a reason to refuse the call. */
  clientTime: ClaimedTime.optional().catch(undefined),
});

export const ConnectTransportRequest = z.object({
  transportId: labelled(Id, MEDIA),
  dtlsParameters: labelled(z.object({ fingerprints: z.array(Obj).min(1).max(10), role: z.enum(['auto', 'client', 'server']).optional() }).passthrough(), MEDIA),
});

export const MediaSource = z.enum(['camera', 'mic']);
export type MediaSource = z.infer<typeof MediaSource>;

export const ProduceRequest = z.object({
  transportId: labelled(Id, MEDIA),
  kind: labelled(z.enum(['audio', 'video']), MEDIA),
  rtpParameters: labelled(z.object({ codecs: z.array(Obj).min(1).max(50), encodings: z.array(Obj).max(10).optional() }).passthrough(), MEDIA),
  source: labelled(MediaSource, MEDIA),
});

export const ResumeConsumerRequest = z.object({ consumerId: labelled(Id, MEDIA) });

export const PositionReport = z.object({
  lat: Latitude,
  lon: Longitude,
  accuracy: ClaimedAccuracy,
  fixTime: labelled(ClaimedTime, text('定位时间', 'Fix time')),
});
export type PositionReport = z.infer<typeof PositionReport>;

export const CameraAction = z.enum(['rear', 'front', 'torch_on', 'torch_off', 'zoom']);
export type CameraAction = z.infer<typeof CameraAction>;

export const CameraRequest = z.object({
  action: labelled(CameraAction, text('摄像头操作', 'Camera action')),
  zoom: labelled(z.number().min(0).max(100), text('变焦', 'Zoom')).optional(),
});
export type CameraRequest = z.infer<typeof CameraRequest>;

const ZoomLevel = z.number().finite().min(0).max(1000);
export const CameraState = z.object({
  facing: labelled(z.enum(['environment', 'user', 'unknown']), text('摄像头朝向', 'Camera facing')),
  torch: labelled(z.object({ available: z.boolean(), on: z.boolean() }), text('补光灯', 'Torch')),
  zoom: labelled(z.object({ min: ZoomLevel, max: ZoomLevel, step: ZoomLevel, value: ZoomLevel }).nullable(), text('变焦', 'Zoom')),
});
export type CameraState = z.infer<typeof CameraState>;

const PointKey = labelled(z.string().min(1).max(200), text('检查项', 'Checklist point'));
export const CaptureRequest = z.object({ pointKey: PointKey });
export type CaptureRequest = z.infer<typeof CaptureRequest>;
/**
 * A challenge point's fresh code (see evidence/CaptureTickets): shown on the console, written on
 * paper by the applicant and held in the picture; the photo's record keeps it with both times.
 */
export interface CaptureChallenge {
  code: string;
  /** Server time (ms) the code was issued. */
  issuedAt: number;
}
/** What the phone receives: the point and the ticket its photo must carry back (and the code to show, on a challenge point). */
export interface CaptureAsk {
  pointKey: string;
  captureId: string;
  challenge?: CaptureChallenge;
}
/** What the inspector's console is told on asking: the code to compare with the photo, on a challenge point. */
export interface CaptureAsked {
  challenge: CaptureChallenge | null;
}
/**
 * How a requested photo is going, as the console shows it. The phone reports taking, uploading,
 * retrying (with why it is waiting) and failed (the photo itself was refused); only the server says
 * received, when the evidence is in.
 */
const CaptureProgressShape = z.object({
  requestId: labelled(z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), text('拍照请求编号', 'Photo request id')),
  pointKey: PointKey,
  state: labelled(z.enum(['taking', 'uploading', 'retrying', 'received', 'failed']), text('拍照进度', 'Photo progress')),
  evidenceId: labelled(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), text('证据编号', 'Evidence id')).optional(),
  message: humanText({ label: text('进度说明', 'Progress note'), max: 300 }).optional(),
});
/** What the phone may send: everything but `received`, which a phone could otherwise claim for a photo that never arrived. */
export const CaptureProgress = CaptureProgressShape.refine((p) => p.state !== 'received', { message: said(text('“已收到”只能由服务器报告', 'Only the server reports “received”')), path: ['state'] });
export type CaptureProgress = z.infer<typeof CaptureProgressShape>;

/**
 * Why a photo upload was refused for the photo itself (the HTTP error's `reason`): the same bytes
 * can never be accepted, so the phone drops the photo and says why. Every other refusal (capture
 * ticket, session state, link, rate limit, server fault, network) keeps the photo on the phone,
 * queued, and the console shows it as waiting with the reason.
 */
export const PHOTO_REFUSALS = ['photo_not_image', 'photo_damaged', 'photo_too_large_pixels', 'photo_too_big', 'photo_path_in_name', 'photo_empty'] as const;
export type PhotoRefusal = (typeof PHOTO_REFUSALS)[number];

/** The inspector starts (record: true) or stops recording the point being inspected as its video evidence. */
export const PointVideoRequest = z.object({
  key: PointKey,
  record: labelled(z.boolean(), text('录制开关', 'Recording switch')),
});
export type PointVideoRequest = z.infer<typeof PointVideoRequest>;

/**
 * How the open point's video evidence stands, as the console shows it: the continuous recorded
 * time counted on the point (the phone live, its segment recording, from a key frame), the
 * point's rule, and an explicit recording if one runs. Sent to staff about once a second while
 * there is something to count.
 */
export interface PointVideoStatus {
  pointKey: string;
  /** The point's `minVideoSeconds` (0: no video rule). */
  neededSeconds: number;
  /** Whole seconds counted in the current continuous run (a gap starts again from 0). */
  seconds: number;
  /** Time is being counted now. */
  counting: boolean;
  /** A video note long enough for the rule is on the point. */
  met: boolean;
  /** The inspector's own recording of this point: since when (server ms), seconds counted so far. */
  marked: { since: number; seconds: number } | null;
}

/** The shop owner hung up on purpose: nothing to carry, the socket says who. */
export const LeaveCallRequest = z.object({}).strict();
export const EndCallRequest = z.object({ reason: humanText({ label: text('结束理由', 'Reason for ending'), max: 500, multiline: true }).optional() });

/** A page's part in the call: the phone, an inspector working the case, or a supervisor watching. */
export type CallRole = 'applicant' | 'inspector' | 'observer';
export type Role = CallRole;
export type ApplicantPresence = 'waiting' | 'live' | 'reconnecting' | 'absent';
/** Who is in the call: pages show the truth from this (the phone waits until an inspector is in). */
export interface CallPresence {
  applicant: ApplicantPresence;
  inspectors: number;
  observers: number;
}
/**
 * Why a page is out of the call. finished: the inspection ended; interrupted: paused by the
 * inspector (it may resume); replaced: the link was opened on another phone; revoked / link_replaced:
 * the link was revoked or superseded by a newer one.
 */
export type EndReason = 'finished' | 'interrupted' | 'replaced' | 'media_failure' | 'server_shutdown' | 'revoked' | 'link_replaced' | 'logged_out' | 'access_changed';

export interface TransportOptions {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
}

export interface ConsumerOffer {
  id: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: unknown;
  fromRole: Role;
  source: MediaSource;
}

export interface PositionUpdate {
  lat: number;
  lon: number;
  accuracyM: number;
  fixTime: number;
  serverTime: number;
  distanceM: number;
}

export interface CaseSummary {
  caseId: string;
  caseNumber: string;
  businessName: string;
  permitTypes: string[];
  address: { text: string; lat: number; lon: number };
}

export interface JoinResult {
  sessionId: string;
  role: Role;
  caseSummary: CaseSummary;
  sendTransport: TransportOptions;
  recvTransport: TransportOptions;
  consumers: ConsumerOffer[];
  presence: CallPresence;
  applicant: ApplicantPresence;
  /** The inspection's lifecycle state when the page joined. */
  sessionState: SessionState;
  position: PositionUpdate | null;
  camera: CameraState | null;
  serverTime: number;
  /** The checklist: the whole walk for inspectors, the current prompt for the phone. */
  walk: WalkView | null;
  prompt: ApplicantPrompt | null;
}

export interface WireErrorShape {
  code: string;
  message: string;
  /** A finer cause for choosing the right screen, e.g. link_expired, link_revoked, session_ended. */
  reason?: string;
}

/** A lifecycle step as pages see it. */
export interface SessionStateMessage {
  state: SessionState;
  from: SessionState;
  at: number;
  reason?: string;
}

export type Ack<T> = (res: { ok: true; data: T } | { ok: false; error: WireErrorShape }) => void;

export interface ClientToServerEvents {
  'call:join': (req: unknown, ack: Ack<JoinResult>) => void;
  'transport:connect': (req: unknown, ack: Ack<null>) => void;
  'transport:produce': (req: unknown, ack: Ack<{ producerId: string }>) => void;
  'consumer:resume': (req: unknown, ack: Ack<null>) => void;
  position: (req: unknown, ack: Ack<PositionUpdate>) => void;
  'camera:request': (req: unknown, ack: Ack<null>) => void;
  'camera:state': (req: unknown, ack: Ack<null>) => void;
  'call:leave': (req: unknown, ack: Ack<null>) => void;
  'call:end': (req: unknown, ack: Ack<null>) => void;
  'walk:open': (req: unknown, ack: Ack<null>) => void;
  'walk:result': (req: unknown, ack: Ack<null>) => void;
  'walk:note': (req: unknown, ack: Ack<null>) => void;
  'walk:fact': (req: unknown, ack: Ack<null>) => void;
  'walk:sign': (req: unknown, ack: Ack<null>) => void;
  'walk:accept_reuse': (req: unknown, ack: Ack<null>) => void;
  'walk:close': (req: unknown, ack: Ack<null>) => void;
  'capture:request': (req: unknown, ack: Ack<CaptureAsked>) => void;
  'capture:progress': (req: unknown, ack: Ack<null>) => void;
  'point:video': (req: unknown, ack: Ack<PointVideoStatus | null>) => void;
}

export interface ServerToClientEvents {
  'consumer:new': (offer: ConsumerOffer) => void;
  'consumer:closed': (msg: { consumerId: string }) => void;
  'applicant:presence': (msg: { state: ApplicantPresence }) => void;
  presence: (msg: CallPresence) => void;
  'session:state': (msg: SessionStateMessage) => void;
  position: (msg: PositionUpdate) => void;
  'camera:request': (msg: CameraRequest) => void;
  'camera:state': (msg: CameraState) => void;
  'call:ended': (msg: { reason: EndReason; message: string }) => void;
  'protocol:error': (msg: WireErrorShape & { event?: string }) => void;
  'walk:state': (view: WalkView) => void;
  'walk:prompt': (prompt: ApplicantPrompt | null) => void;
  'capture:request': (req: CaptureAsk) => void;
  'capture:progress': (p: CaptureProgress) => void;
  /** The open point's recorded-video count (null: no point open). */
  'point:video': (s: PointVideoStatus | null) => void;
}
