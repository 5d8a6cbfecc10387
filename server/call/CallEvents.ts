import type { CameraRequest, CameraState, CallPresence, ConsumerOffer, EndReason, PositionUpdate } from '../protocol/signaling';

/**
 * What the live calls announce. Signaling forwards each to the right socket.io room: a peer's own
 * room (socket id) for its media, the session's room for everything the pages share.
 */
export interface CallEvents {
  'peer.consumer': [peerId: string, offer: ConsumerOffer];
  'peer.consumerClosed': [peerId: string, consumerId: string];
  /** One page is taken out of the call (replaced by a newer phone, link revoked), with the reason. */
  'peer.removed': [peerId: string, reason: EndReason];
  'presence': [sessionId: string, presence: CallPresence];
  'position': [sessionId: string, position: PositionUpdate];
  'camera.request': [sessionId: string, request: CameraRequest];
  'camera.state': [sessionId: string, state: CameraState];
  /** The whole call is over for everyone in it. */
  'call.ended': [sessionId: string, reason: EndReason];
}
