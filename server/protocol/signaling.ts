import { z } from 'zod';
import type { SessionState } from '../inspection/SessionState';
import type { ApplicantPrompt, WalkView } from './walk';

// The socket.io wire contract shared by server and pages. Every client message is parsed with
// these schemas at the edge; mediasoup's own parameter objects get a shape check here and a full
// check inside mediasoup (its TypeErrors become Invalid errors).

const Id = z.string().min(1).max(100);
const Obj = z.record(z.string(), z.unknown());

export const RtpCapabilitiesInput = z.object({ codecs: z.array(Obj).max(200), headerExtensions: z.array(Obj).max(200).optional() }).passthrough();

export const JoinRequest = z.object({
  rtpCapabilities: RtpCapabilitiesInput,
  /** The page's own clock, for skew diagnostics only. */
  clientTime: z.number().optional(),
});

export const ConnectTransportRequest = z.object({
  transportId: Id,
  dtlsParameters: z.object({ fingerprints: z.array(Obj).min(1).max(10), role: z.enum(['auto', 'client', 'server']).optional() }).passthrough(),
});

export const MediaSource = z.enum(['camera', 'mic']);
export type MediaSource = z.infer<typeof MediaSource>;

export const ProduceRequest = z.object({
  transportId: Id,
  kind: z.enum(['audio', 'video']),
  rtpParameters: z.object({ codecs: z.array(Obj).min(1).max(50), encodings: z.array(Obj).max(10).optional() }).passthrough(),
  source: MediaSource,
});

export const ResumeConsumerRequest = z.object({ consumerId: Id });

export const PositionReport = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  accuracy: z.number().min(0).max(100_000),
  fixTime: z.number().int().positive(),
});
export type PositionReport = z.infer<typeof PositionReport>;

export const CameraAction = z.enum(['rear', 'front', 'torch_on', 'torch_off', 'zoom']);
export type CameraAction = z.infer<typeof CameraAction>;

export const CameraRequest = z.object({ action: CameraAction, zoom: z.number().min(0).max(100).optional() });
export type CameraRequest = z.infer<typeof CameraRequest>;

export const CameraState = z.object({
  facing: z.enum(['environment', 'user', 'unknown']),
  torch: z.object({ available: z.boolean(), on: z.boolean() }),
  zoom: z.object({ min: z.number(), max: z.number(), step: z.number(), value: z.number() }).nullable(),
});
export type CameraState = z.infer<typeof CameraState>;

export const CaptureRequest = z.object({ pointKey: z.string().min(1).max(200) });
export type CaptureRequest = z.infer<typeof CaptureRequest>;
/** What the phone receives: the point and the ticket its photo must carry back. */
export interface CaptureAsk {
  pointKey: string;
  captureId: string;
}
export const CaptureProgress = z.object({
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  pointKey: z.string().min(1).max(200),
  state: z.enum(['taking', 'uploading', 'retrying', 'received', 'failed']),
  evidenceId: z.string().optional(),
  message: z.string().max(300).optional(),
});
export type CaptureProgress = z.infer<typeof CaptureProgress>;

export const EndCallRequest = z.object({ reason: z.string().max(500).optional() });

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
  'call:end': (req: unknown, ack: Ack<null>) => void;
  'walk:open': (req: unknown, ack: Ack<null>) => void;
  'walk:result': (req: unknown, ack: Ack<null>) => void;
  'walk:note': (req: unknown, ack: Ack<null>) => void;
  'walk:fact': (req: unknown, ack: Ack<null>) => void;
  'walk:sign': (req: unknown, ack: Ack<null>) => void;
  'walk:close': (req: unknown, ack: Ack<null>) => void;
  'capture:request': (req: unknown, ack: Ack<null>) => void;
  'capture:progress': (req: unknown, ack: Ack<null>) => void;
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
}
