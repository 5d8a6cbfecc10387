import type { CaptureProgress, PositionReport } from '../../server/protocol/signaling';
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
}

/**
 * Keeps every photo until the server confirms it: uploads at once, and on a weak or lost
 * connection retries in the background with back-off. Each photo has its own request id, so a
 * retry of an upload the server already took in does not make a second evidence item.
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
        if (outcome === 'retry') {
          p.attempts++;
          this.hooks.progress({ requestId: p.requestId, pointKey: p.pointKey, state: 'retrying' });
          // One photo the server keeps failing on must not hold back the ones behind it.
          this.queue.push(this.queue.shift()!);
          await sleep(Math.min(15_000, 1000 * 2 ** Math.min(p.attempts - 1, 4)));
          continue;
        }
        if (outcome === 'parked') {
          // Kept in IndexedDB: the page opened from a new link for this session sends it.
          this.queue.length = 0;
          this.hooks.parked();
          return;
        }
        this.queue.shift();
        await this.saved.delete(p.requestId);
      }
    } finally {
      this.running = false;
      this.hooks.busy(false);
    }
  }

  private async send(p: PendingPhoto): Promise<'done' | 'retry' | 'parked'> {
    this.hooks.progress({ requestId: p.requestId, pointKey: p.pointKey, state: 'uploading' });
    const q = new URLSearchParams({ point: p.pointKey, requestId: p.requestId, deviceTime: String(p.deviceTime), source: p.source ?? 'photo' });
    if (p.captureId) q.set('capture', p.captureId);
    if (p.fix) {
      q.set('lat', String(p.fix.lat));
      q.set('lon', String(p.fix.lon));
      q.set('accuracy', String(p.fix.accuracy));
      q.set('fixTime', String(p.fix.fixTime));
    }
    try {
      const res = await fetch(`/j/${encodeURIComponent(this.token)}/photos?${q}`, { method: 'POST', body: p.blob, headers: { 'Content-Type': p.blob.type || 'application/octet-stream' } });
      if (res.ok) return 'done'; // the server reports "received" to the inspector itself
      if (res.status === 404 || res.status === 410) return 'parked'; // the link was revoked, re-issued or has expired
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
        this.hooks.progress({ requestId: p.requestId, pointKey: p.pointKey, state: 'failed', message: body.error?.message?.slice(0, 300) });
        return 'done';
      }
      return 'retry';
    } catch {
      return 'retry';
    }
  }
}

function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
