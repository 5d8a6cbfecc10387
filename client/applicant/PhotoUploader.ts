import type { ReceiptToVerify } from '../../server/protocol/receipts';
import type { CaptureProgress, PhotoRefusal, PositionReport } from '../../server/protocol/signaling';
import { lang, t } from '../shared/i18n';
import { PhotoStore } from './PhotoStore';

interface PendingPhoto {
  requestId: string;
  pointKey: string;
  blob: Blob;
  fix?: PositionReport;
  deviceTime: number;
  source?: 'photo' | 'gallery';
  captureId?: string;
  attempts: number;
}

export interface UploaderHooks {
  progress(p: CaptureProgress): void;
  /** The link no longer works: the photo stays on the phone and goes up when the page is opened from a new link. */
  parked(): void;
  /** Called when the first photo starts going up and when the last one is confirmed. */
  busy(uploading: boolean): void;
  /** The server confirmed this photo (it is evidence now); the phone's own copy, for the shop owner to see. */
  delivered(photo: DeliveredPhoto): void;
}

export interface DeliveredPhoto {
  requestId: string;
  pointKey: string;
  blob: Blob;
  source: 'photo' | 'gallery';
  /** The server's signed receipt for it (an older server sends none). */
  receipt?: ReceiptToVerify;
}

/**
 * What became of one upload attempt. `refused`: the server said the photo itself is bad (a
 * PhotoRefusal reason), the only case a photo is given up. `parked`: the link is gone; the photo
 * waits on the phone for a new link of the same session. `wait`: anything else (network, server
 * fault, busy server, a ticket or session the server may yet accept): the photo stays queued.
 */
export type UploadOutcome =
  | { kind: 'done'; receipt?: ReceiptToVerify }
  | { kind: 'refused'; reason: string; message: string }
  | { kind: 'parked' }
  | { kind: 'wait'; message: string; transient: boolean; retryAfterMs?: number };

/** The refusals that are about the photo itself. A Record, so the compiler keeps it in step with the server's list. */
const FINAL: Record<PhotoRefusal, true> = {
  photo_not_image: true,
  photo_damaged: true,
  photo_too_large_pixels: true,
  photo_too_big: true,
  photo_path_in_name: true,
  photo_empty: true,
};

/** Link and session refusals (404/410 from the join link): the page cannot send from this link any more. */
const LINK_GONE = /^(link|session)_/;

export interface UploadResponse {
  status: number;
  error?: { code?: string; message?: string; reason?: string };
  /** The `Retry-After` header, if any. */
  retryAfter?: string | null;
}

/** Decides what an answer to a photo upload means for the photo on the phone. Pure, so the rule can be tested by itself. */
export function classifyUpload(res: UploadResponse | 'network_error'): UploadOutcome {
  if (res === 'network_error') return { kind: 'wait', message: t('photo.wait.network'), transient: true };
  if (res.status >= 200 && res.status < 300) return { kind: 'done' };
  const reason = res.error?.reason;
  const serverMessage = res.error?.message ? oneLine(res.error.message) : undefined;
  if ((reason !== undefined && Object.prototype.hasOwnProperty.call(FINAL, reason)) || res.status === 413) {
    return { kind: 'refused', reason: reason ?? 'photo_too_big', message: serverMessage ?? t('photo.failed') };
  }
  // The link was revoked, re-issued or has expired, or the session is over or paused. A 404 without a reason is an unknown link too.
  if ((res.status === 404 || res.status === 410) && (reason === undefined ? res.status === 404 : LINK_GONE.test(reason))) return { kind: 'parked' };
  const retryAfterMs = retryAfter(res.retryAfter);
  if (res.status === 429) return { kind: 'wait', message: serverMessage ?? t('photo.wait.busy'), transient: true, retryAfterMs };
  if (res.status >= 500 || res.status === 408) return { kind: 'wait', message: serverMessage ?? t('photo.wait.server'), transient: true, retryAfterMs };
  // A refusal that is not about the photo (ticket, session state, office setting): kept, asked again less often.
  return { kind: 'wait', message: serverMessage ?? `${t('photo.wait.server')} (HTTP ${res.status})`, transient: false, retryAfterMs };
}

/**
 * Keeps every photo until the server confirms it or refuses the photo itself: uploads at once, and
 * on a weak or lost connection, a busy or failing server, or a refusal the server may yet change its
 * mind on, retries in the background with back-off and says why it waits. Each photo has its own
 * request id, so a retry of an upload the server already took in does not make a second evidence item.
 */
export class PhotoUploader {
  private readonly queue: PendingPhoto[] = [];
  private running = false;
  private readonly saved: PhotoStore;

  /** Photos are kept per inspection session, so a re-issued link for the same session still sends them. */
  constructor(
    private readonly token: string,
    sessionId: string,
    private readonly hooks: UploaderHooks,
  ) {
    this.saved = new PhotoStore(sessionId);
    // Photos left over from an earlier visit of this link (reload, crash) go up first.
    void this.saved.all().then((rows) => {
      for (const r of rows) if (!this.queue.some((q) => q.requestId === r.requestId)) this.queue.push({ ...r, attempts: 0 });
      if (rows.length) void this.drain();
    });
  }

  add(pointKey: string, blob: Blob, fix: PositionReport | undefined, origin: { source: 'gallery' } | { source: 'photo'; captureId: string }): string {
    const requestId = newRequestId();
    const photo = { requestId, pointKey, blob, fix, deviceTime: Date.now(), ...origin };
    this.queue.push({ ...photo, attempts: 0 });
    void this.saved.put(photo).finally(() => void this.drain());
    return requestId;
  }

  get pending(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.hooks.busy(true);
    try {
      while (this.queue.length) {
        const p = this.queue[0]!;
        const outcome = await this.send(p);
        if (outcome.kind === 'wait') {
          p.attempts++;
          this.hooks.progress({ requestId: p.requestId, pointKey: p.pointKey, state: 'retrying', message: outcome.message });
          // One photo the server keeps failing on must not hold back the ones behind it.
          this.queue.push(this.queue.shift()!);
          // Network and server faults clear quickly; a refusal about the ticket or the session is asked again less often.
          const capMs = outcome.transient ? 15_000 : 60_000;
          const backOff = Math.min(capMs, 1000 * 2 ** Math.min(p.attempts - 1, 6));
          await sleep(Math.min(Math.max(backOff, outcome.retryAfterMs ?? 0), 120_000));
          continue;
        }
        if (outcome.kind === 'parked') {
          // Kept in IndexedDB: the page opened from a new link for this session sends it.
          this.queue.length = 0;
          this.hooks.parked();
          return;
        }
        if (outcome.kind === 'refused') {
          this.hooks.progress({ requestId: p.requestId, pointKey: p.pointKey, state: 'failed', message: outcome.message });
        } else {
          this.hooks.delivered({ requestId: p.requestId, pointKey: p.pointKey, blob: p.blob, source: p.source ?? 'photo', receipt: outcome.receipt });
        }
        this.queue.shift();
        await this.saved.delete(p.requestId);
      }
    } finally {
      this.running = false;
      this.hooks.busy(false);
    }
  }

  private async send(p: PendingPhoto): Promise<UploadOutcome> {
    this.hooks.progress({ requestId: p.requestId, pointKey: p.pointKey, state: 'uploading' });
    const q = new URLSearchParams({ point: p.pointKey, requestId: p.requestId, source: p.source ?? 'photo' });
    // A claim the server would refuse as implausible (a phone clock far off) is left out: the photo
    // then arrives without it, instead of being refused for ever.
    if (plausibleTime(p.deviceTime)) q.set('deviceTime', String(p.deviceTime));
    if (p.captureId) q.set('capture', p.captureId);
    if (p.fix && plausibleFix(p.fix)) {
      q.set('lat', String(p.fix.lat));
      q.set('lon', String(p.fix.lon));
      q.set('accuracy', String(p.fix.accuracy));
      q.set('fixTime', String(p.fix.fixTime));
    }
    let res: Response;
    try {
      // The server words its refusals (shown on this phone and on the console) in the page's language.
      res = await fetch(`/j/${encodeURIComponent(this.token)}/photos?${q}`, { method: 'POST', body: p.blob, headers: { 'Content-Type': p.blob.type || 'application/octet-stream', 'X-Kanyan-Lang': lang } });
    } catch {
      return classifyUpload('network_error');
    }
    // The server reports "received" to the inspector itself; the phone keeps the signed receipt.
    if (res.ok) {
      const body = (await res.json().catch(() => ({}))) as { receipt?: ReceiptToVerify };
      return { kind: 'done', receipt: body.receipt };
    }
    const body = (await res.json().catch(() => ({}))) as { error?: UploadResponse['error'] };
    return classifyUpload({ status: res.status, error: body.error, retryAfter: res.headers.get('Retry-After') });
  }
}

// The server's bounds for phone claims (server/protocol/signaling.ts: CLAIMED_TIME_RANGE, ClaimedAccuracy);
// repeated here because pages import only types from the protocol.
const EARLIEST = Date.UTC(2020, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

function plausibleTime(ms: number): boolean {
  return Number.isInteger(ms) && ms >= EARLIEST && ms <= LATEST;
}

function plausibleFix(f: PositionReport): boolean {
  return Math.abs(f.lat) <= 90 && Math.abs(f.lon) <= 180 && f.accuracy > 0 && f.accuracy <= 100_000 && plausibleTime(f.fixTime);
}

/** `Retry-After` in seconds or as an HTTP date, in ms from now. */
function retryAfter(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The console shows the message on one line of at most 300 characters (the server checks both), cut between characters. */
function oneLine(s: string): string {
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
  let out = '';
  for (const ch of clean.trim()) {
    if (out.length + ch.length > 300) break;
    out += ch;
  }
  return out.trim();
}

function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
