import type { CallPresence, EndReason, JoinResult } from '../../server/protocol/signaling';

// What the phone shows, decided only from what the server said (the join result, 'presence',
// 'session:state', 'call:ended', a refused handshake's reason) and from the phone's own devices.
// The page renders; this decides.

export type SessionState = JoinResult['sessionState'];

/** Why the phone is out of the call for good (or until the shop owner taps "reconnect" / "join again"). */
export type EndKind =
  | 'finished'
  | 'session_ended'
  | 'interrupted'
  | 'replaced'
  | 'revoked'
  | 'link_replaced'
  | 'link_expired'
  | 'link_invalid'
  | 'media_failure'
  | 'server_shutdown'
  | 'disconnected'
  | 'hung_up';

/**
 * ready: the page says who is calling and why, and waits for "start" before any permission prompt.
 * closing: the inspector closed the checklist and is ending the inspection.
 */
export type LiveScreen = 'ready' | 'connecting' | 'waiting_inspector' | 'live' | 'closing' | 'inspector_left' | 'reconnecting' | 'camera_denied';
/** The name end-to-end tests assert on (window.__kanyan.screen). */
export type PhoneScreen = LiveScreen | `ended:${EndKind}`;

/** The phone's connection: 'idle' until the shop owner starts; 'live' once it is in the call and sending its camera. */
export type Connection = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'ended';

/** Where the phone's location stands: off before the start; waiting for a first fix; or why there is none. */
export type LocationState = 'off' | 'waiting' | 'ok' | 'denied' | 'unavailable' | 'unsupported';
export type LocationProblem = Extract<LocationState, 'denied' | 'unavailable' | 'unsupported'>;

export interface PhoneFacts {
  /** The shop owner tapped "start" (now or earlier in this tab), or had already allowed camera and microphone. */
  started: boolean;
  connection: Connection;
  presence: CallPresence | null;
  /** An inspector has been in this call since it (re)started: then 0 inspectors means "left", not "not yet". */
  inspectorSeen: boolean;
  cameraDenied: boolean;
  sessionState: SessionState | null;
  location: LocationState;
  muted: boolean;
  end: EndKind | null;
}

export function initialFacts(): PhoneFacts {
  return { started: false, connection: 'idle', presence: null, inspectorSeen: false, cameraDenied: false, sessionState: null, location: 'off', muted: false, end: null };
}

export function screenOf(f: PhoneFacts): PhoneScreen {
  if (f.end) return `ended:${f.end}`;
  if (!f.started) return 'ready';
  if (f.cameraDenied) return 'camera_denied';
  if (f.connection === 'reconnecting') return 'reconnecting';
  if (f.connection !== 'live' || !f.presence) return 'connecting';
  if (f.presence.inspectors > 0) return f.sessionState === 'checklist_closed' ? 'closing' : 'live';
  return f.inspectorSeen ? 'inspector_left' : 'waiting_inspector';
}

/** A location problem worth a lasting banner: only once the phone has started and while it is not out of the call. */
export function locationProblem(f: PhoneFacts): LocationProblem | null {
  if (!f.started || f.end || f.cameraDenied) return null;
  return f.location === 'denied' || f.location === 'unavailable' || f.location === 'unsupported' ? f.location : null;
}

/** The server hung up on the phone with this reason. */
export function endKindOfReason(reason: EndReason): EndKind {
  switch (reason) {
    case 'finished':
    case 'interrupted':
    case 'replaced':
    case 'revoked':
    case 'link_replaced':
    case 'media_failure':
    case 'server_shutdown':
      return reason;
    case 'logged_out':
    case 'access_changed':
      return 'disconnected';
  }
}

const REFUSALS: Record<string, EndKind> = {
  link_revoked: 'revoked',
  link_replaced: 'link_replaced',
  link_expired: 'link_expired',
  link_invalid: 'link_invalid',
  session_ended: 'session_ended',
  session_interrupted: 'interrupted',
};

/** A refused handshake's reason, if it names one of the end screens. */
export function endKindOfRefusal(reason: string | undefined): EndKind | undefined {
  return reason ? REFUSALS[reason] : undefined;
}

/** A lifecycle step that takes the phone out of the call, whatever else arrives. */
export function endKindOfState(state: SessionState): EndKind | undefined {
  if (state === 'ended' || state === 'sealed' || state === 'approved' || state === 'sent_back') return 'finished';
  if (state === 'interrupted') return 'interrupted';
  if (state === 'abandoned') return 'session_ended';
  return undefined;
}

/**
 * Whether an inspector has opened this call since it last (re)started. The server leaves
 * 'scheduled' only when an inspector joins, and goes back to it after a resume or a restart.
 */
export function stateImpliesInspector(state: SessionState): boolean | undefined {
  if (state === 'scheduled') return false;
  if (state === 'waiting_for_applicant' || state === 'live' || state === 'applicant_reconnecting' || state === 'checklist_closed') return true;
  return undefined;
}

/** Screens with a "reconnect" button: the fault was ours (media, maintenance), the link still works. */
export const RECONNECTABLE: ReadonlySet<EndKind> = new Set(['media_failure', 'server_shutdown', 'disconnected']);
/** Screens with a "join again" button: the shop owner left on purpose and the inspection is still open. */
export const REJOINABLE: ReadonlySet<EndKind> = new Set(['hung_up']);
/** Screens that send the shop owner to the office, with the case number to quote. */
export const CONTACT_OFFICE: ReadonlySet<EndKind> = new Set(['replaced', 'revoked', 'link_replaced', 'link_expired', 'link_invalid', 'disconnected']);
/** Screens after which the same link no longer works: kept photos go up from a new link. */
export const LINK_GONE: ReadonlySet<EndKind> = new Set(['revoked', 'link_replaced', 'link_expired', 'link_invalid']);
