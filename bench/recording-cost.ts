// Recording cost: CPU per concurrently recorded call in copy mode, with 1, 5, 10 and 20 synthetic
// phones. Each phone is one ffmpeg replaying a pre-encoded 720p VP8 + Opus file with `-c copy`
// into PlainTransport producers on its own router (the product's WorkerPool, 2 workers), so the
// phones cost almost nothing; each is then recorded by the product's TrackRecorder (consumers ->
// ffmpeg -c copy -> Matroska), the same path SessionRecorder takes for a phone's segment.
// Cost per recording = (recorders' ffmpeg CPU + workers' CPU with recording - without, same N) / N.
// Also: key frame -> file start, A/V offset of the files, and (with a real phone page in Chromium)
// the bitrate cost of the periodic key-frame request.
// Run: npm run bench:recording   (SESSIONS=1,5 WINDOW_S=10 WARMUP_S=3 KEYFRAME_CALL_S=0 to shorten)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/platform/config';
import { createLogger } from '../server/platform/logger';
import { WorkerPool } from '../server/sfu/WorkerPool';
import { recordBrowserCall, type BrowserRecording } from './support/browserKeyFrames';
import { syncOffset } from './support/recordedFile';
import { runRound, type RoundResult } from './support/recordingRound';
import { syntheticMedia } from './support/syntheticMedia';

const SESSIONS = (process.env.SESSIONS ?? '1,5,10,20').split(',').map(Number).filter((n) => n > 0);
const WINDOW_MS = Number(process.env.WINDOW_S ?? 20) * 1000;
const WARMUP_MS = Number(process.env.WARMUP_S ?? 5) * 1000;
const KEYFRAME_CALL_S = Number(process.env.KEYFRAME_CALL_S ?? 45);
const KEYFRAME_STEADY_FROM_S = 10;
const TARGET_PCT = 5;

function median(values: number[]): number {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const col = (v: string, w: number) => v.padStart(w);

interface RoundFigures {
  n: number;
  recorderPer: number;
  workerExtraPer: number;
  costPer: number;
  workersIdle: number;
  phonesPer: number;
  nodeExtra: number;
  othersPct: number;
  startMs: number;
  resumeToKeyFrameMs: number;
  keyFrameToHeaderMs: number;
  keyFrameToClusterMs: number;
  keyFrameToClusterMax: number;
  firstPacketOffsetMs: number;
  syncMs: number;
  syncMin: number;
  syncMax: number;
  syncMarks: number;
  /** The first mark of each file (within its first 1.5 s: before ffmpeg has RTCP sender reports). */
  syncFirstMs: number;
  syncFirstWorstMs: number;
}

function figures(r: RoundResult): RoundFigures {
  const n = r.sessions;
  const rec = r.recording.pct;
  const idle = r.idle.pct;
  const ours = (rec.workers ?? 0) + (rec.recorders ?? 0) + (rec.phones ?? 0) + (rec.node ?? 0);
  const t = (k: keyof RoundResult['times'][number]) => r.times.map((x) => x[k] ?? NaN);
  const firstMarks = r.sync.flatMap((s) => s.each.filter((e) => e.at < 1.5).map((e) => e.ms));
  return {
    n,
    recorderPer: (rec.recorders ?? 0) / n,
    workerExtraPer: ((rec.workers ?? 0) - (idle.workers ?? 0)) / n,
    costPer: ((rec.recorders ?? 0) + (rec.workers ?? 0) - (idle.workers ?? 0)) / n,
    workersIdle: idle.workers ?? 0,
    phonesPer: (rec.phones ?? 0) / n,
    nodeExtra: (rec.node ?? 0) - (idle.node ?? 0),
    // What else ran on the machine meanwhile (other programs): busy share of all cores minus ours.
    othersPct: (r.machineRecordingBusyPct * r.cores) - ours,
    startMs: median(t('startMs')),
    resumeToKeyFrameMs: median(t('resumeToKeyFrameMs')),
    keyFrameToHeaderMs: median(t('keyFrameToHeaderMs')),
    keyFrameToClusterMs: median(t('keyFrameToClusterMs')),
    keyFrameToClusterMax: Math.max(...t('keyFrameToClusterMs').filter(Number.isFinite)),
    firstPacketOffsetMs: median(r.files.map((f) => f.firstPacketOffsetMs ?? NaN)),
    syncMs: median(r.sync.map((s) => s.medianMs)),
    syncMin: Math.min(...r.sync.map((s) => s.minMs)),
    syncMax: Math.max(...r.sync.map((s) => s.maxMs)),
    syncMarks: r.sync.reduce((sum, s) => sum + s.marks, 0),
    syncFirstMs: median(firstMarks),
    syncFirstWorstMs: firstMarks.reduce((w, v) => (Math.abs(v) > Math.abs(w) ? v : w), 0),
  };
}

function printRounds(rows: RoundFigures[]): void {
  console.log('\nCPU, % of one core (recording cost = recorder ffmpeg + extra worker CPU, per recording)');
  console.log(['sessions', 'cost/rec', 'ffmpeg/rec', 'worker+/rec', 'workers w/o rec', 'phone/each', 'node+', 'others'].map((h, i) => col(h, i === 0 ? 8 : 12)).join(' '));
  for (const f of rows) {
    console.log([col(String(f.n), 8), ...[f.costPer, f.recorderPer, f.workerExtraPer, f.workersIdle, f.phonesPer, f.nodeExtra, f.othersPct].map((v) => col(fmt(v, 2), 12))].join(' '));
  }
  console.log('\nStart of each file (ms, median over the sessions; max in brackets) and A/V offset (ms, audio minus video)');
  console.log(['sessions', 'rec start', 'resume->kf', 'kf->header', 'kf->cluster', 'first pkt a-v', 'sync mark a-v', '1st mark a-v'].map((h, i) => col(h, i === 0 ? 8 : i === 6 ? 24 : 14)).join(' '));
  for (const f of rows) {
    console.log(
      [col(String(f.n), 8), col(fmt(f.startMs, 0), 14), col(fmt(f.resumeToKeyFrameMs, 0), 14), col(fmt(f.keyFrameToHeaderMs, 0), 14), col(`${fmt(f.keyFrameToClusterMs, 0)} (${fmt(f.keyFrameToClusterMax, 0)})`, 14), col(fmt(f.firstPacketOffsetMs, 0), 14), col(`${fmt(f.syncMs, 0)} [${fmt(f.syncMin, 0)}..${fmt(f.syncMax, 0)}] n=${f.syncMarks}`, 24), col(`${fmt(f.syncFirstMs, 0)} (${fmt(f.syncFirstWorstMs, 0)})`, 14)].join(' '),
    );
  }
  console.log(
    'rec start: transports + ffmpeg listening + consumers resumed; resume->kf: waits for the synthetic file\'s next key frame (every 3 s, it ignores key-frame requests);\n' +
      'kf->header: ffmpeg probed the streams and wrote the Matroska header; kf->cluster: first cluster (about 1 s of media) reached the file.\n' +
      'first pkt a-v: first audio minus first video pts in the file (ffmpeg\'s RTP input starts every stream at 0 until RTCP sender reports arrive, so this is 0\n' +
      'by construction and says nothing of sync); sync mark a-v: beep onset minus corner flash over the first 12 s of up to 3 files per round\n' +
      '(median [min..max] n=marks), to compare with the source file\'s own figure above; 1st mark a-v: the mark in the first second of each file\n' +
      '(median, worst in brackets), before ffmpeg has sender reports to align the streams.',
  );
}

interface KeyFrameCost {
  /** Video bitrate with the periodic request over without, % (two separate calls: noisy). */
  sizePct: number;
  /** Extra bits of the key frames over as many delta frames, as % of the bitrate with them. */
  estimatePct: number;
}

function keyFrameCost(withKf: BrowserRecording, without: BrowserRecording): KeyFrameCost {
  const span = (r: BrowserRecording) => (r.steady.video ? Math.max(0.001, r.steady.video.last - r.steady.video.first) : NaN);
  const kbps = (r: BrowserRecording) => (r.steady.video ? (r.steady.video.bytes * 8) / 1000 / span(r) : NaN);
  const show = (r: BrowserRecording) => {
    const v = r.steady.video;
    if (!v) return console.log(`  every ${r.keyFrameSeconds || '-'} s: no video`);
    const delta = (v.bytes - v.keyFrameBytes) / Math.max(1, v.packets - v.keyFrames);
    const key = v.keyFrameBytes / Math.max(1, v.keyFrames);
    console.log(
      `  key-frame request ${r.keyFrameSeconds ? `every ${r.keyFrameSeconds} s` : 'only at start'}: video ${fmt(kbps(r), 0)} kbit/s, ${fmt(v.packets / span(r), 1)} frames/s over ${fmt(span(r), 1)} s, ` +
        `${v.keyFrames} key frames (avg ${fmt(key / 1000, 1)} kB), other frames avg ${fmt(delta / 1000, 2)} kB; ` +
        `segment start -> first key frame ${fmt(r.startToFirstMediaMs ?? NaN, 0)} ms` +
        (r.segments > 1 ? ` (${r.segments} segments; the first is measured)` : ''),
    );
  };
  console.log(`\nPeriodic key-frame request, real phone page (Chromium, noisy 720p test pattern as camera, 1.2 Mbit/s cap), steady part from ${KEYFRAME_STEADY_FROM_S} s:`);
  show(without);
  show(withKf);
  const sizePct = ((kbps(withKf) - kbps(without)) / kbps(without)) * 100;
  let estimatePct = NaN;
  const v = withKf.steady.video;
  if (v && v.keyFrames > 0) {
    // The encoder's rate control pays for key frames with the frames after them, so the file size
    // moves little; the size of a key frame over a delta frame says what each one costs in bits.
    const extraPerKey = v.keyFrameBytes / v.keyFrames - (v.bytes - v.keyFrameBytes) / Math.max(1, v.packets - v.keyFrames);
    const extraKbps = (extraPerKey * 8 * v.keyFrames) / 1000 / span(withKf);
    estimatePct = (extraKbps / kbps(withKf)) * 100;
    console.log(
      `  each key frame is ${fmt(extraPerKey / 1000, 1)} kB more than a delta frame: ${fmt(extraKbps, 1)} kbit/s, ${fmt(estimatePct, 1)} % of the video bitrate; ` +
        `file size with vs without ${sizePct >= 0 ? '+' : ''}${fmt(sizePct, 1)} % (two calls under the sender's own rate control and CPU adaptation: compare frames/s)`,
    );
  }
  return { sizePct, estimatePct };
}

async function main(): Promise<void> {
  const config = loadConfig({ LOG_LEVEL: 'warn' });
  const log = createLogger('warn');
  const media = await syntheticMedia(undefined, undefined, config.recording.ffmpeg);
  const source = await syncOffset(media.file, 12, config.recording.ffmpeg);
  console.log(`synthetic phone: ${path.basename(media.file)} (${media.options.width}x${media.options.height} VP8 ${media.options.videoKbps} kbit/s, key frame every ${media.options.keyFrameSeconds} s, Opus ${media.options.audioKbps} kbit/s)`);
  console.log(`sync marks in the source file itself: ${fmt(source?.medianMs ?? NaN, 1)} ms (audio minus video; the recorded files' figure is relative to this)`);
  console.log(`${os.cpus().length} cores; window ${WINDOW_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up; recorder key-frame interval ${config.recording.keyFrameIntervalMs} ms`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-bench-rec-'));
  const pool = await WorkerPool.create({ workers: 2, listenIp: '127.0.0.1', basePort: 0 }, log);
  const rows: RoundFigures[] = [];
  let leftBehind: number[] = [];
  try {
    for (const n of SESSIONS) {
      const r = await runRound(pool, media, {
        sessions: n,
        warmupMs: WARMUP_MS,
        windowMs: WINDOW_MS,
        dir: path.join(dir, `n${n}`),
        ffmpeg: config.recording.ffmpeg,
        keyFrameIntervalMs: config.recording.keyFrameIntervalMs,
        syncChecks: 3,
        log,
      });
      leftBehind = leftBehind.concat(r.leftBehind);
      const f = figures(r);
      rows.push(f);
      console.log(
        `${n} session(s): ${fmt(f.costPer, 2)} % of a core per recording (ffmpeg ${fmt(f.recorderPer, 2)} + worker ${fmt(f.workerExtraPer, 2)}), ` +
          `phones ${fmt(f.phonesPer, 2)} % each, key frame -> first cluster ${fmt(f.keyFrameToClusterMs, 0)} ms, a-v ${fmt(f.firstPacketOffsetMs, 0)} ms / sync ${fmt(f.syncMs, 0)} ms`,
      );
      fs.rmSync(path.join(dir, `n${n}`), { recursive: true, force: true });
    }
  } finally {
    pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (leftBehind.length > 0) throw new Error(`processes left running after the rounds: ${leftBehind.join(', ')}`);
  printRounds(rows);

  let kfCost: KeyFrameCost | undefined;
  if (KEYFRAME_CALL_S > 0) {
    const without = await recordBrowserCall(0, KEYFRAME_CALL_S, KEYFRAME_STEADY_FROM_S);
    const withKf = await recordBrowserCall(5, KEYFRAME_CALL_S, KEYFRAME_STEADY_FROM_S);
    kfCost = keyFrameCost(withKf, without);
  }

  const head = rows[rows.length - 1]!;
  console.log(`\ntarget: at most ${TARGET_PCT} % of a core per recording; at ${head.n} sessions ${fmt(head.costPer, 2)} % (ratio to target ${fmt(head.costPer / TARGET_PCT, 2)})`);
  console.log(
    `RESULT core_pct_per_recording=${fmt(head.costPer, 2)} sessions=${head.n} keyframe_to_file_ms=${fmt(head.keyFrameToClusterMs, 0)} av_offset_ms=${fmt(head.firstPacketOffsetMs, 0)} av_sync_ms=${fmt(head.syncMs, 0)}` +
      (kfCost ? ` keyframe_5s_pct=${fmt(kfCost.estimatePct, 1)} keyframe_5s_size_pct=${fmt(kfCost.sizePct, 1)}` : ''),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
