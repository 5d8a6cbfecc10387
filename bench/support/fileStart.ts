// When a recorder's file begins: the first bytes (ffmpeg wrote the Matroska header, i.e. it has
// probed its inputs) and the first growth past the header (the first cluster of media, which the
// muxer writes when the cluster is complete). Watched with inotify (fs.watch on the folder), so the
// times are those of the writes, not of a polling tick.
import fs from 'node:fs';
import path from 'node:path';

export interface FileStart {
  /** Clock ms of the first non-empty stat; undefined until then. */
  headerAt?: number;
  headerBytes?: number;
  /** Clock ms when the file first grew past the header. */
  firstClusterAt?: number;
}

export class FileStartWatch {
  readonly start: FileStart = {};
  private readonly watcher: fs.FSWatcher;
  private _closed = false;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  /** The folder must exist; the file need not yet. */
  constructor(
    private readonly file: string,
    private readonly now: () => number,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const name = path.basename(file);
    this.watcher = fs.watch(path.dirname(file), (_event, changed) => {
      if (changed === name) this.check();
    });
    this.watcher.on('error', () => this.close());
    this.check();
  }

  private check(): void {
    if (this._closed) return;
    const size = fs.statSync(this.file, { throwIfNoEntry: false })?.size ?? 0;
    if (size === 0) return;
    const at = this.now();
    if (this.start.headerAt === undefined) {
      this.start.headerAt = at;
      this.start.headerBytes = size;
    } else if (size > this.start.headerBytes!) {
      this.start.firstClusterAt = at;
      this.close();
    }
  }

  /** Resolves when the first cluster was seen (true) or after `timeoutMs` (false). */
  async firstCluster(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.done, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    return this.start.firstClusterAt !== undefined;
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this.watcher.close();
    this.resolveDone();
  }
}
