import crypto from 'node:crypto';
import type { PhotoFingerprint, PhotoFingerprintRepository, StoredFingerprint } from '../../../server/evidence/reuse/PhotoFingerprint';
import { ReuseCheck } from '../../../server/evidence/reuse/ReuseCheck';
import type { Store } from '../../../server/store/Store';

/** The repository's contract over an array (the SQLite one is exercised by the integration test). */
function memoryFingerprints(): PhotoFingerprintRepository & { rows: StoredFingerprint[] } {
  const rows: StoredFingerprint[] = [];
  return {
    rows,
    insert: async (f: PhotoFingerprint) => void rows.push({ ...f, seq: rows.length + 1 }),
    firstWithSha256: async (sha) => rows.find((r) => r.sha256 === sha),
    hashesAfter: async (after, limit) => rows.filter((r) => r.seq > after).slice(0, limit).map((r) => ({ seq: r.seq, phash: r.phash, phashCentre: r.phashCentre })),
    bySeq: async (seq) => rows[seq - 1],
    ordinalInCase: async (caseId, seq) => rows.filter((r) => r.caseId === caseId && r.seq <= seq).length,
  };
}

/** Hashes that look random but are the same in every run, so the test gives one answer. */
let drawn = 0;
const randomHash = () => crypto.createHash('sha256').update(`hash ${drawn++}`).digest('hex').slice(0, 16);
/** `hex` with its lowest `bits` bits flipped. */
const flip = (hex: string, bits: number) => (BigInt(`0x${hex}`) ^ ((1n << BigInt(bits)) - 1n)).toString(16).padStart(16, '0');

function fingerprint(n: number, caseId: string, phash = randomHash()): PhotoFingerprint {
  return { evidenceId: `e${n}`, caseId, caseNumber: `KY-${caseId}`, sessionId: `s-${caseId}`, pointKey: 'p', sha256: `sha${n}`, phash, phashCentre: randomHash(), createdAt: n };
}

describe('reuse check', () => {
  it('names the earliest earlier photo, identical before near, and which photo of its case it was', async () => {
    const repo = memoryFingerprints();
    const check = new ReuseCheck({ fingerprints: repo } as unknown as Store);
    const look = randomHash();
    await check.remember(fingerprint(1, 'A'));
    await check.remember(fingerprint(2, 'A', flip(look, 6)));
    await check.remember(fingerprint(3, 'B', flip(look, 3)));
    expect(await check.find('C', 'new', { whole: flip(look, 40), centre: randomHash() })).toBeNull();
    expect(await check.find('C', 'new', { whole: look, centre: randomHash() })).toMatchObject({ kind: 'near', caseId: 'A', caseNumber: 'KY-A', photoNumber: 2, distance: 6, sameCase: false });
    expect(await check.find('B', 'sha3', { whole: randomHash(), centre: randomHash() })).toMatchObject({ kind: 'identical', caseId: 'B', photoNumber: 1, distance: 0, sameCase: true, evidenceId: 'e3' });
  });

  it('scans 100 000 photos in memory (the time is printed, not asserted)', async () => {
    const repo = memoryFingerprints();
    for (let i = 1; i <= 100_000; i++) repo.rows.push({ ...fingerprint(i, `c${i % 1000}`), seq: i });
    const check = new ReuseCheck({ fingerprints: repo } as unknown as Store);
    const looks = { whole: randomHash(), centre: randomHash() };
    await check.find('x', 'none', looks); // loads the index
    const started = process.hrtime.bigint();
    const runs = 20;
    for (let i = 0; i < runs; i++) await check.find('x', 'none', { whole: randomHash(), centre: randomHash() });
    console.log(`near search over 100000 photos: ${(Number(process.hrtime.bigint() - started) / 1e6 / runs).toFixed(2)} ms each`);
    const hit = await check.find('x', 'none', { whole: flip(repo.rows[99_999]!.phash, 5), centre: randomHash() });
    expect(hit?.evidenceId).toBe('e100000');
  });
});
