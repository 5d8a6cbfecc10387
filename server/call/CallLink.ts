import type { ServerToClientEvents } from '../protocol/signaling';

/**
 * What the call needs from a connected page: send it an event, or hang up on it. The signaling
 * adapter implements this over a socket; the call never sees socket.io.
 */
export interface CallLink {
  send<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  hangUp(): void;
}
