import type { ManagerOptions, SocketOptions } from 'socket.io-client';

/**
 * How every page's socket connects. The phone's early script opens its socket with these too
 * (client/applicant/earlySocket.ts), and the main script adopts it only if nothing differs.
 */
export function socketOptions(auth: Record<string, string>, lang: string): Partial<ManagerOptions & SocketOptions> {
  return {
    // The server words acks, end messages and the checklist in the page's language; the query
    // carries it too for the refusals sent before the handshake's auth is read.
    auth: { ...auth, lang },
    query: { lang },
    // WebSocket first; long-polling as a fallback for proxies that block upgrades.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    timeout: 8000,
  };
}
