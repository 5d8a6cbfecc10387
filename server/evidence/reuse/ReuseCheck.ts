import type { Store } from '../../store/Store';
import type { PhotoFingerprint } from './PhotoFingerprint';
import { NEAR_DISTANCE, photoDistance, type PerceptualHashes } from './perceptualHash';

/** An earlier photo a new one repeats: the same bytes, or a picture that looks the same. */
export interface ReuseFinding {
  kind: 'identical' | 'near';
  caseNumber: string;
  caseId: string;
  /** The earlier photo is in the same case as the new one. */
  sameCase: boolean;
  sessionId: string;
  pointKey: string;
  /** The earlier photo's evidence id and which photo of its case it was (1 for the first). */
  evidenceId: string;
  photoNumber: number;
  /** SHA-256 of the earlier original. */
  sha256: string;
  /** Perceptual distance in bits (0 for identical bytes). */
  distance: number;
}

/** How many fingerprints are read per query while the in-memory index catches up with the table. */
const PAGE = 10_000;

/**
 * Finds the earliest earlier photo, in any case, that a new one repeats. Exact copies are found by
 * the SHA-256 index; near ones by comparing 64-bit perceptual hashes in memory: the hashes of every
 * photo are held as 32-bit halves (16 bytes a photo, so 10⁵ photos take 1.6 MB) and one scan of 10⁵
 * takes about 25 ms (test/unit/evidence/reuseCheck.test.ts prints it), less than stamping the photo.
 * Bucketing by hash bands (multi-index hashing) would pay only at millions of photos, and it misses
 * nothing only when the threshold is below the band count.
 */
export class ReuseCheck {
  private seqs: number[] = [];
  private words = new Uint32Array(4 * 1024);
  private lastSeq = 0;
  private tail: Promise<void> = Promise.resolve();

  /** `nearBits`: the largest perceptual distance that counts as near-identical; 0 looks for identical bytes only. */
  constructor(
    private readonly store: Store,
    private readonly nearBits = NEAR_DISTANCE,
  ) {}

  /**
   * Waits for the previous photo's turn to end and returns this one's end: from the search to storing
   * its fingerprint one photo goes at a time, so two copies arriving together do not both pass as first.
   */
  async turn(): Promise<() => void> {
    const previous = this.tail;
    let end!: () => void;
    this.tail = new Promise<void>((resolve) => (end = resolve));
    await previous;
    return end;
  }

  async find(caseId: string, sha256: string, looks: PerceptualHashes): Promise<ReuseFinding | null> {
    const same = await this.store.fingerprints.firstWithSha256(sha256);
    const seq = same?.seq ?? (this.nearBits > 0 ? (await this.nearest(looks))?.seq : undefined);
    if (seq === undefined) return null;
    const earlier = same ?? (await this.store.fingerprints.bySeq(seq));
    if (!earlier) return null;
    return {
      kind: same ? 'identical' : 'near',
      caseNumber: earlier.caseNumber,
      caseId: earlier.caseId,
      sameCase: earlier.caseId === caseId,
      sessionId: earlier.sessionId,
      pointKey: earlier.pointKey,
      evidenceId: earlier.evidenceId,
      photoNumber: await this.store.fingerprints.ordinalInCase(earlier.caseId, earlier.seq),
      sha256: earlier.sha256,
      distance: same ? 0 : photoDistance(looks, { whole: earlier.phash, centre: earlier.phashCentre }),
    };
  }

  remember(f: PhotoFingerprint): Promise<void> {
    return this.store.fingerprints.insert(f);
  }

  /** The earliest fingerprint within `nearBits` of `looks`. */
  private async nearest(looks: PerceptualHashes): Promise<{ seq: number } | undefined> {
    await this.catchUp();
    const [wh, wl] = halves(looks.whole);
    const [ch, cl] = halves(looks.centre);
    const w = this.words;
    for (let i = 0; i < this.seqs.length; i++) {
      const o = 4 * i;
      const d = Math.min(
        popcount(wh ^ w[o]!) + popcount(wl ^ w[o + 1]!),
        popcount(wh ^ w[o + 2]!) + popcount(wl ^ w[o + 3]!),
        popcount(ch ^ w[o]!) + popcount(cl ^ w[o + 1]!),
        popcount(ch ^ w[o + 2]!) + popcount(cl ^ w[o + 3]!),
      );
      if (d <= this.nearBits) return { seq: this.seqs[i]! };
    }
    return undefined;
  }

  /** Reads the fingerprints stored since the last look (all of them, the first time). */
  private async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.store.fingerprints.hashesAfter(this.lastSeq, PAGE);
      for (const f of page) {
        const i = this.seqs.length;
        if (4 * (i + 1) > this.words.length) {
          const grown = new Uint32Array(this.words.length * 2);
          grown.set(this.words);
          this.words = grown;
        }
        [this.words[4 * i], this.words[4 * i + 1]] = halves(f.phash);
        [this.words[4 * i + 2], this.words[4 * i + 3]] = halves(f.phashCentre);
        this.seqs.push(f.seq);
        this.lastSeq = f.seq;
      }
      if (page.length < PAGE) return;
    }
  }
}

function halves(hex: string): [number, number] {
  return [parseInt(hex.slice(0, 8), 16) >>> 0, parseInt(hex.slice(8, 16), 16) >>> 0];
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
