import fs from 'node:fs';
import { fileHash } from '../../evidence/fileHash';

/**
 * Whether a file's bytes still hash to what the chain recorded. 'verified': they do; 'mismatch':
 * they do not (the file was changed, or the database and the chain disagree); 'missing': no file;
 * 'unchained': no chain record yet (post-processing has not reached it); 'recording': still being written.
 */
export type FileCheckState = 'verified' | 'mismatch' | 'missing' | 'unchained' | 'recording';

export interface FileVerifierOptions {
  /** How long a hash is trusted while the file's size and mtime stay the same (ms). */
  maxAgeMs?: number;
  /** How many files' hashes are remembered at most. */
  maxRemembered?: number;
  now?: () => number;
}

/**
 * Hashes files for the replay's verification column. A recording can be hundreds of megabytes, so
 * a hash is remembered while the file's size and modification time stay the same, and for at most
 * `maxAgeMs` (10 minutes): a byte changed in place changes the mtime, and one changed by someone
 * who also put the mtime back is still caught at the next hash. Hashes run one at a time: a
 * reviewer opening a page must not take the disk from the recorders.
 */
export class FileVerifier {
  private readonly known = new Map<string, { size: number; mtimeMs: number; sha256: string; hashedAt: number }>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly maxAgeMs: number;
  private readonly maxRemembered: number;
  private readonly now: () => number;

  constructor(opts: FileVerifierOptions = {}) {
    this.maxAgeMs = opts.maxAgeMs ?? 10 * 60_000;
    this.maxRemembered = opts.maxRemembered ?? 2000;
    this.now = opts.now ?? Date.now;
  }

  /** The state of `file` against the hash its chain record holds (undefined: no record yet). */
  async check(file: string, recordedSha256: string | undefined): Promise<FileCheckState> {
    const actual = await this.sha256Of(file);
    if (actual === undefined) return 'missing';
    if (recordedSha256 === undefined) return 'unchained';
    return actual === recordedSha256 ? 'verified' : 'mismatch';
  }

  /** The file's SHA-256 now, or undefined when there is no such file. */
  sha256Of(file: string): Promise<string | undefined> {
    const run = this.queue.then(() => this.hashNow(file));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async hashNow(file: string): Promise<string | undefined> {
    const stat = await fs.promises.stat(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    });
    if (!stat?.isFile()) return undefined;
    const seen = this.known.get(file);
    if (seen && seen.size === stat.size && seen.mtimeMs === stat.mtimeMs && this.now() - seen.hashedAt < this.maxAgeMs) return seen.sha256;
    const { sha256 } = await fileHash(file);
    this.known.delete(file);
    if (this.known.size >= this.maxRemembered) this.known.delete(this.known.keys().next().value!);
    this.known.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, sha256, hashedAt: this.now() });
    return sha256;
  }
}
