import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, WireErrorShape } from '../../server/protocol/signaling';
import { lang, t } from './i18n';
import { socketOptions } from './socketOptions';

export class RequestError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

type RequestEvent = keyof ClientToServerEvents;
type ResultOf<E extends RequestEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0] extends infer R
  ? R extends { ok: true; data: infer D }
    ? D
    : never
  : never;

/** socket.io with request/response over acks; rejects with the server's user-facing message. */
export class SignalingClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;

  /** `socket`: one already opened with the same auth and options (the phone page's, opened by its early script). */
  constructor(auth: Record<string, string>, socket?: Socket<ServerToClientEvents, ClientToServerEvents>) {
    this.socket = socket ?? io(socketOptions(auth, lang));
  }

  request<E extends RequestEvent>(event: E, payload: unknown, timeoutMs = 10_000): Promise<ResultOf<E>> {
    type Reply = { ok: boolean; data?: unknown; error?: WireErrorShape };
    const timed = this.socket.timeout(timeoutMs) as unknown as {
      emit(e: string, p: unknown, cb: (err: Error | null, res: Reply) => void): void;
    };
    return new Promise((resolve, reject) => {
      timed.emit(event, payload, (err, res) => {
        if (err) reject(new RequestError('timeout', t('err.timeout')));
        else if (res.ok) resolve(res.data as ResultOf<E>);
        else reject(new RequestError(res.error?.code ?? 'error', res.error?.message ?? 'error'));
      });
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}
