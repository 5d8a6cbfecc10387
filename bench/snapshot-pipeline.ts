// Snapshot pipeline: 12-megapixel JPEGs uploaded to the real server (receive, check, SHA-256,
// stamp with sharp, EXIF, content-addressed store, signed chain record, walk event), with a few
// uploads in flight as phones would send them; compared with a naive path doing the same image
// work one image at a time through raw pixel buffers.
// Run: npm run bench:snapshot   (IMAGES=40 to change the count)
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { KanyanServer } from '../server/KanyanServer';
import { loadConfig } from '../server/platform/config';
import { createLogger } from '../server/platform/logger';
import { EvidenceSigner } from '../server/evidence/EvidenceSigner';
import { leafHash } from '../server/evidence/log/merkle';
import { OfficeLog } from '../server/evidence/log/OfficeLog';
import { perceptualHash } from '../server/evidence/reuse/perceptualHash';
import { SqliteStore } from '../server/store/SqliteStore';
import { testJpeg } from '../test/support/images';
import { createCase, INSPECTOR, loginCookie } from '../test/support/testServer';

const IMAGES = Number(process.env.IMAGES ?? 36);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 3);
const POINT = 'common.signboard_address';

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

async function realPipeline(images: Buffer[]): Promise<{ perSecond: number; peakMb: number; baselineMb: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-bench-snap-'));
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', TLS: 'off', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1', MEDIA_WORKERS: '1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', INSPECTOR_USER: INSPECTOR.username, INSPECTOR_PASSWORD: INSPECTOR.password, SEED_DEMO: 'false' });
  const server = await KanyanServer.start(config, createLogger(config.logLevel));
  try {
    // Photos in flight at once come from different phones: one case (one link) per phone, as the
    // server lets a single link send only two photos at a time.
    const cookie = await loginCookie(server.url);
    const phones = await Promise.all(Array.from({ length: IN_FLIGHT }, () => createCase(server.url, cookie, { text: 'bench', lat: 39.9, lon: 116.4 })));
    const baseline = process.memoryUsage().rss;
    peakRss = baseline;
    let next = 0;
    const t0 = performance.now();
    const worker = async (c: (typeof phones)[number]) => {
      while (next < images.length) {
        const i = next++;
        // Each photo answers its own inspector request, as in a call.
        const capture = (await server.captures.issue(c.sessionId, POINT, INSPECTOR.username)).id;
        const q = new URLSearchParams({ point: POINT, requestId: `bench-${i}-${crypto.randomBytes(4).toString('hex')}`, capture, lat: '39.90001', lon: '116.4', accuracy: '5', deviceTime: String(Date.now()) });
        const res = await fetch(`${server.url}/j/${c.token}/photos?${q}`, { method: 'POST', body: new Uint8Array(images[i]!) });
        if (res.status !== 201) throw new Error(`upload ${i}: HTTP ${res.status} ${await res.text()}`);
      }
    };
    await Promise.all(phones.map(worker));
    const seconds = (performance.now() - t0) / 1000;
    return { perSecond: images.length / seconds, peakMb: peakRss / 1048576, baselineMb: baseline / 1048576 };
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const LOG_LEAVES = Number(process.env.LOG_LEAVES ?? 100_000);

/**
 * The office log's cost per record at a realistic size (LOG_LEAVES, default 100k leaves, about
 * three years of a busy office): the leaf insert a record's transaction adds (its commit is the
 * record's own, so leaves are timed in batches), catching the tree up, and an inclusion proof.
 */
async function logCost(): Promise<{ appendMs: number; proofMs: number; rebuildMs: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-bench-log-'));
  const store = await SqliteStore.open(path.join(dir, 'kanyan.db'));
  let log: OfficeLog | undefined;
  try {
    const leaf = (i: number) => ({ caseId: null, recordSeq: null, recordHash: crypto.createHash('sha256').update(`r${i}`).digest('hex'), leafHash: leafHash(Buffer.from(`record ${i}`)) });
    await store.transaction(async () => {
      for (let i = 0; i < LOG_LEAVES; i++) await store.officeLog.appendLeaf(leaf(i));
    });
    const signer = EvidenceSigner.loadOrCreate(dir);
    const t0 = performance.now();
    log = await OfficeLog.create(store, signer, { now: () => Date.now() }, createLogger('silent'), { origin: 'bench', checkpointEveryMs: 3_600_000 });
    const rebuildMs = performance.now() - t0;
    const appends = 2000;
    const t1 = performance.now();
    for (let batch = 0; batch < appends / 100; batch++) {
      await store.transaction(async () => {
        for (let i = 0; i < 100; i++) await store.officeLog.appendLeaf(leaf(LOG_LEAVES + batch * 100 + i));
      });
    }
    const size = (await log.latestCheckpoint()).checkpoint.treeSize;
    const appendMs = (performance.now() - t1) / appends;
    const proofs = 2000;
    const t2 = performance.now();
    for (let i = 0; i < proofs; i++) await log.inclusionProof(Math.floor(Math.random() * size), size);
    const proofMs = (performance.now() - t2) / proofs;
    return { appendMs, proofMs, rebuildMs };
  } finally {
    await log?.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The perceptual hash each photo gets (reused-photo detection), per 12 MP photo. */
async function perceptualHashMs(images: Buffer[]): Promise<number> {
  await perceptualHash(images[0]!);
  const t0 = performance.now();
  for (const img of images) await perceptualHash(img);
  return (performance.now() - t0) / images.length;
}

/** The obvious first version: one image at a time, decode to raw pixels, draw, encode, write. */
async function naivePipeline(images: Buffer[]): Promise<{ perSecond: number; peakMb: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-bench-naive-'));
  peakRss = process.memoryUsage().rss;
  const t0 = performance.now();
  for (const img of images) {
    const hash = crypto.createHash('sha256').update(img).digest('hex');
    fs.writeFileSync(path.join(dir, `${hash}.jpg`), img);
    const { data, info } = await sharp(img).rotate().raw().toBuffer({ resolveWithObject: true });
    const band = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${info.width}" height="400"><rect width="100%" height="100%" fill="#000" fill-opacity="0.6"/><text x="40" y="120" font-size="96" fill="#fff">案件 KY-0001 · 检查项 · 2026-11-23 15:00:00</text></svg>`);
    const stamped = await sharp(data, { raw: info }).composite([{ input: band, gravity: 'south' }]).withExif({ IFD0: { Software: 'naive' } }).jpeg({ quality: 86 }).toBuffer();
    const h2 = crypto.createHash('sha256').update(stamped).digest('hex');
    fs.writeFileSync(path.join(dir, `${h2}.jpg`), stamped);
  }
  const seconds = (performance.now() - t0) / 1000;
  fs.rmSync(dir, { recursive: true, force: true });
  return { perSecond: images.length / seconds, peakMb: peakRss / 1048576 };
}

async function main(): Promise<void> {
  // A handful of distinct 12 MP photos (4000×3000), reused: content addressing is per upload id here.
  const distinct = await Promise.all(Array.from({ length: 4 }, () => testJpeg(4000, 3000)));
  const images = Array.from({ length: IMAGES }, (_, i) => distinct[i % distinct.length]!);
  const mb = (distinct.reduce((n, b) => n + b.length, 0) / distinct.length / 1048576).toFixed(1);
  console.log(`${IMAGES} uploads of 12 MP JPEGs (~${mb} MB each), ${IN_FLIGHT} in flight, ${os.cpus().length} cores`);
  // The real pipeline runs first so the naive path's raw buffers do not inflate its memory figure.
  const real = await realPipeline(images);
  const perImage = (real.peakMb - real.baselineMb) / IN_FLIGHT;
  console.log(`kanyan (HTTP upload -> checked, hashed, stamped, EXIF, stored, signed, attached): ${real.perSecond.toFixed(2)} images/s; peak RSS ${real.peakMb.toFixed(0)} MB (server idle ${real.baselineMb.toFixed(0)} MB), ${perImage.toFixed(0)} MB per image in flight`);
  const naive = await naivePipeline(images.slice(0, Math.min(12, IMAGES)));
  console.log(`naive (sequential, raw buffers, image work only): ${naive.perSecond.toFixed(2)} images/s, peak RSS ${naive.peakMb.toFixed(0)} MB`);
  console.log(`ratio kanyan/naive: ${(real.perSecond / naive.perSecond).toFixed(2)}x; target >= 6 images/s, < 100 MB per image in flight`);
  const logged = await logCost();
  console.log(`office log at ${LOG_LEAVES} leaves: ${logged.appendMs.toFixed(3)} ms per record appended (leaf insert in the record's transaction, tree caught up), ${logged.proofMs.toFixed(3)} ms per inclusion proof, ${logged.rebuildMs.toFixed(0)} ms to rebuild the tree at start`);
  const phash = await perceptualHashMs(images.slice(0, 4));
  console.log(`perceptual hash: ${phash.toFixed(1)} ms per 12 MP photo`);
  clearInterval(sampler);
  console.log(`RESULT images_per_s=${real.perSecond.toFixed(2)} peak_rss_mb=${real.peakMb.toFixed(0)} per_image_in_flight_mb=${perImage.toFixed(0)} naive_images_per_s=${naive.perSecond.toFixed(2)} log_leaves=${LOG_LEAVES} log_append_ms=${logged.appendMs.toFixed(3)} log_proof_ms=${logged.proofMs.toFixed(3)} log_rebuild_ms=${logged.rebuildMs.toFixed(0)} phash_ms=${phash.toFixed(1)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
