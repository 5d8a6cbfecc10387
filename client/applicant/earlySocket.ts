import { io, type Socket } from 'socket.io-client';
import { readBoot } from '../shared/dom';
import { pickLang } from '../shared/pageLang';
import { socketOptions } from '../shared/socketOptions';

// The socket's handshake (a connection, two round trips and the server's check of the link) starts in
// the early script, so it runs while the main script downloads and is parsed: on a cheap phone that
// takes most of a second. What the socket hears before the main script listens is kept, in order, and
// replayed to the main script's listeners.

const KEY = '__kanyanEarlySocket';
const RECORDED = ['connect', 'connect_error', 'disconnect'] as const;

interface EarlySocket {
  socket: Socket;
  token: string;
  lang: string;
  heard: Array<[string, unknown[]]>;
  record: { any: (event: string, ...args: unknown[]) => void; reserved: Array<[string, (...args: unknown[]) => void]> };
}

export function openEarlySocket(): void {
  const token = readBoot<{ token?: string }>().token;
  if (!token) return;
  const lang = pickLang();
  const socket = io(socketOptions({ role: 'applicant', token }, lang));
  const heard: EarlySocket['heard'] = [];
  const any = (event: string, ...args: unknown[]) => heard.push([event, args]);
  socket.onAny(any);
  const reserved = RECORDED.map((event): [string, (...args: unknown[]) => void] => [event, (...args) => heard.push([event, args])]);
  for (const [event, fn] of reserved) socket.on(event, fn);
  const early: EarlySocket = { socket, token, lang, heard, record: { any, reserved } };
  (window as unknown as Record<string, unknown>)[KEY] = early;
}

/**
 * The early script's socket, once, if it was opened for this link and language (else it is closed
 * and the caller opens its own). Call replay() once the listeners are on: it hands them, in order,
 * what the socket heard so far, and stops keeping.
 */
export function adoptEarlySocket(token: string, lang: string): { socket: Socket; replay(): void } | undefined {
  const w = window as unknown as Record<string, EarlySocket | undefined>;
  const early = w[KEY];
  w[KEY] = undefined;
  if (!early) return undefined;
  if (early.token !== token || early.lang !== lang) {
    early.socket.disconnect();
    return undefined;
  }
  const { socket, heard, record } = early;
  return {
    socket,
    replay() {
      socket.offAny(record.any);
      for (const [event, fn] of record.reserved) socket.off(event, fn);
      for (const [event, args] of heard.splice(0)) for (const fn of socket.listeners(event)) (fn as (...a: unknown[]) => void)(...args);
    },
  };
}
