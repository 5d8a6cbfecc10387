import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/protocol/signaling';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connect(url: string, auth: Record<string, string>, cookie?: string): TestSocket {
  return io(url, { auth, transports: ['websocket'], reconnection: false, extraHeaders: cookie ? { cookie } : undefined, forceNew: true });
}

export function connected(s: TestSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
}

export function connectError(s: TestSocket): Promise<{ message: string; data?: { code: string; message: string; reason?: string } }> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => reject(new Error('connected unexpectedly')));
    s.once('connect_error', (err) => resolve(err as Error & { data?: { code: string; message: string; reason?: string } }));
  });
}

export type Reply = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };

/** Emits with an ack and resolves with the raw reply. */
export function ask(s: TestSocket, event: string, payload: unknown): Promise<Reply> {
  return new Promise((resolve) => (s.emit as (e: string, p: unknown, cb: (r: Reply) => void) => void)(event, payload, resolve));
}

export function next<E extends keyof ServerToClientEvents>(s: TestSocket, event: E, timeoutMs = 10_000): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (s.once as (e: string, cb: (m: unknown) => void) => void)(event, (m) => {
      clearTimeout(timer);
      resolve(m as Parameters<ServerToClientEvents[E]>[0]);
    });
  });
}
