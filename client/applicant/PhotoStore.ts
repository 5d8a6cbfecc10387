/**
 * Photos waiting for the server, kept in IndexedDB so a reload or a crashed tab on a cheap phone
 * does not lose them. Falls back to memory only where IndexedDB is unavailable (private mode).
 */
export interface StoredPhoto {
  requestId: string;
  pointKey: string;
  blob: Blob;
  fix?: { lat: number; lon: number; accuracy: number; fixTime: number };
  deviceTime: number;
  /** 'gallery': an existing photo the business picked (offices that allow it); otherwise taken now. */
  source?: 'photo' | 'gallery';
  /** The inspector's request a camera photo answers; the server refuses camera photos without one. */
  captureId?: string;
}

const DB = 'kanyan-photos';
const STORE = 'pending';

function open(): Promise<IDBDatabase | undefined> {
  return new Promise((resolve) => {
    if (typeof indexedDB === 'undefined') return resolve(undefined);
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'requestId' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(undefined);
  });
}

export class PhotoStore {
  private db: Promise<IDBDatabase | undefined> = open();

  constructor(private readonly scope: string) {}

  async put(p: StoredPhoto): Promise<void> {
    await this.tx('readwrite', (s) => s.put({ ...p, scope: this.scope }));
  }

  async delete(requestId: string): Promise<void> {
    await this.tx('readwrite', (s) => s.delete(requestId));
  }

  async all(): Promise<StoredPhoto[]> {
    const rows = (await this.tx('readonly', (s) => s.getAll())) as Array<StoredPhoto & { scope: string }> | undefined;
    return (rows ?? []).filter((r) => r.scope === this.scope);
  }

  private async tx(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest): Promise<unknown> {
    const db = await this.db;
    if (!db) return undefined;
    return new Promise((resolve) => {
      const req = fn(db.transaction(STORE, mode).objectStore(STORE));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(undefined);
    });
  }
}
