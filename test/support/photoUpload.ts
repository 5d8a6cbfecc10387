import { captureTicket, type RunningServer } from './testServer';

export interface UploadAnswer {
  status: number;
  body: { requestId?: string; evidenceId?: string; stampedId?: string; duplicate?: boolean; error?: { code: string; message: string; reason?: string } };
}

let serial = 0;

/**
 * Uploads a photo from the phone as the page does: a camera photo answering a fresh inspector
 * request for `point`, unless `query.source` is 'gallery' or `query.capture` is given.
 */
export async function uploadPhoto(srv: RunningServer, session: { sessionId: string; token: string }, point: string, bytes: Buffer, query: Record<string, string | number> = {}): Promise<UploadAnswer> {
  const needsTicket = query.source !== 'gallery' && query.capture === undefined;
  const q = {
    point,
    requestId: `upload-${Date.now()}-${++serial}`,
    ...(needsTicket ? { capture: await captureTicket(srv, session.sessionId, point) } : {}),
    ...query,
  };
  const res = await fetch(`${srv.url}/j/${session.token}/photos?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as UploadAnswer['body'] };
}
