// A phone in a call, without a browser: one ffmpeg replays the synthetic camera+microphone file
// (`-re -stream_loop -1 -c copy`, so it decodes and encodes nothing) as RTP into two mediasoup
// PlainTransports, where a VP8 and an Opus producer take it like a phone's WebRTC producers.
// Benchmarks use it to load routers and recorders with real media at almost no CPU of its own.
//
// What it cannot do like a browser: answer key-frame requests (PLI/FIR). Key frames come every
// `keyFrameSeconds` of the file, whatever the consumers ask.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { SyntheticMedia } from './syntheticMedia';

export interface SyntheticPhoneOptions {
  router: types.Router;
  media: SyntheticMedia;
  ffmpeg?: string;
  /** Loopback by default; the RTP never leaves the machine. */
  listenIp?: string;
  /** Producers' appData (e.g. the role a Room expects). */
  appData?: Record<string, unknown>;
}

interface SyntheticPhoneEvents {
  /** ffmpeg exited while the phone was open. */
  died: [detail: { code: number | null; signal: NodeJS.Signals | null; stderr: string }];
  close: [];
}

// What ffmpeg's RTP muxer is told to send, and the producers expect: fixed payload types and SSRCs.
const VIDEO_PT = 101;
const AUDIO_PT = 100;
let nextSsrc = 0x4b41_0000;

/**
 * Starts with `SyntheticPhone.start()`; `close()` (idempotent) kills ffmpeg and closes both
 * transports, which closes the producers and whatever consumes them.
 */
export class SyntheticPhone {
  readonly observer = new EventEmitter<SyntheticPhoneEvents>();
  private _closed = false;
  private stderrTail = '';
  private readonly exited: Promise<void>;

  private constructor(
    readonly video: types.Producer,
    readonly audio: types.Producer,
    private readonly transports: types.PlainTransport[],
    private readonly child: ChildProcess,
  ) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => {
        this.stderrTail += `\n${err.message}`;
      });
      child.once('close', (code, signal) => {
        if (!this._closed) {
          this.observer.emit('died', { code, signal, stderr: this.stderrTail.trim() });
          this.close();
        }
        resolve();
      });
    });
  }

  static async start(opts: SyntheticPhoneOptions): Promise<SyntheticPhone> {
    const ip = opts.listenIp ?? '127.0.0.1';
    const transports: types.PlainTransport[] = [];
    try {
      // comedia: the transports learn where ffmpeg sends from; RTCP (ffmpeg's sender reports) on
      // its own port, as ffmpeg's RTP muxer sends it to port + 1 or where `rtcpport` says.
      const open = async () => {
        const t = await opts.router.createPlainTransport({ listenIp: { ip }, comedia: true, rtcpMux: false });
        transports.push(t);
        return t;
      };
      const vt = await open();
      const at = await open();
      const videoSsrc = nextSsrc++;
      const audioSsrc = nextSsrc++;
      const video = await vt.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
          encodings: [{ ssrc: videoSsrc }],
        },
        appData: { ...opts.appData, synthetic: true },
      });
      const audio = await at.produce({
        kind: 'audio',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
          encodings: [{ ssrc: audioSsrc }],
        },
        appData: { ...opts.appData, synthetic: true },
      });
      const rtp = (t: types.PlainTransport) => `rtp://${ip}:${t.tuple.localPort}?rtcpport=${t.rtcpTuple!.localPort}&pkt_size=1200`;
      const args = [
        '-hide_banner', '-nostdin', '-loglevel', 'error',
        '-re', '-stream_loop', '-1', '-i', opts.media.file,
        '-map', '0:v:0', '-c', 'copy', '-f', 'rtp', '-ssrc', String(videoSsrc), '-payload_type', String(VIDEO_PT), rtp(vt),
        '-map', '0:a:0', '-c', 'copy', '-f', 'rtp', '-ssrc', String(audioSsrc), '-payload_type', String(AUDIO_PT), rtp(at),
      ];
      const child = spawn(opts.ffmpeg ?? 'ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      return new SyntheticPhone(video, audio, transports, child);
    } catch (err) {
      for (const t of transports) t.close();
      throw err;
    }
  }

  /** The replaying ffmpeg (its CPU is the phone's, not the recorder's). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get closed(): boolean {
    return this._closed;
  }

  /** Resolves once both producers have received media (their byte counts grow), or throws. */
  async waitForMedia(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const bytes = async (p: types.Producer) => (await p.getStats()).reduce((sum, s) => sum + s.byteCount, 0);
    const start = [await bytes(this.video), await bytes(this.audio)];
    for (;;) {
      if (this._closed) throw new Error(`synthetic phone closed before media arrived: ${this.stderrTail.trim() || 'no output'}`);
      const now = [await bytes(this.video), await bytes(this.audio)];
      if (now[0]! > start[0]! && now[1]! > start[1]!) return;
      if (Date.now() > deadline) throw new Error(`no media from the synthetic phone within ${timeoutMs} ms (video ${now[0]} B, audio ${now[1]} B)`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    for (const t of this.transports) t.close();
    this.observer.emit('close');
  }

  /** close(), then waits until the ffmpeg process is gone. */
  async stop(): Promise<void> {
    this.close();
    await this.exited;
  }
}
