import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { types } from 'mediasoup';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { FfmpegProcess } from './FfmpegProcess';
import { recorderSdp, type SdpStream } from './recorderSdp';
import { freeRtpPortPair } from './RtpPortPairs';

/** The producers one segment records: the phone's camera and microphone, or one microphone. */
export interface TrackInputs {
  video?: types.Producer;
  audio?: types.Producer;
}

export interface TrackRecorderOptions {
  router: types.Router;
  inputs: TrackInputs;
  /** Absolute paths: the Matroska file and the SDP handed to ffmpeg (kept beside it for diagnosis). */
  file: string;
  sdpFile: string;
  ffmpeg: string;
  /** A key-frame request this often after the first (0: never). */
  keyFrameIntervalMs: number;
  clock: Clock;
  log: Logger;
}

interface TrackRecorderEvents {
  /** The first key frame went to ffmpeg (audio-only: the audio was resumed): the file's time 0. */
  firstMedia: [at: number];
  rotation: [degrees: 0 | 90 | 180 | 270];
  died: [detail: { code: number | null; signal: NodeJS.Signals | null; stderr: string }];
  close: [];
}

const FIRST_KEY_FRAME_RETRY_MS = 500;
/** A phone whose camera sends nothing (paused, broken) must not keep its voice out of the recording. */
const AUDIO_WAITS_FOR_VIDEO_MS = 3000;

/**
 * Records one segment: a PlainTransport consumer per input sending RTP to one ffmpeg. Consumers
 * start paused and resume only once ffmpeg listens; video asks for key frames until the first one
 * arrives (ffmpeg asks for none), audio resumes with it so the file starts on a picture.
 */
export class TrackRecorder {
  readonly observer = new EventEmitter<TrackRecorderEvents>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private _closed = false;
  private _firstMediaAt: number | undefined;
  private keyFrames = 0;

  private constructor(
    private readonly opts: TrackRecorderOptions,
    private readonly transports: types.PlainTransport[],
    private readonly consumers: { video?: types.Consumer; audio?: types.Consumer },
    private readonly ffmpeg: FfmpegProcess,
  ) {
    ffmpeg.observer.once('died', (detail) => {
      if (this._closed) return;
      opts.log.warn({ ...detail, file: opts.file }, 'recorder died');
      this.observer.emit('died', detail);
      this.close();
    });
  }

  static async start(opts: TrackRecorderOptions): Promise<TrackRecorder> {
    const transports: types.PlainTransport[] = [];
    const consumers: { video?: types.Consumer; audio?: types.Consumer } = {};
    const streams: SdpStream[] = [];
    try {
      for (const kind of ['video', 'audio'] as const) {
        const producer = opts.inputs[kind];
        if (!producer || producer.closed) continue;
        const port = await freeRtpPortPair();
        const transport = await opts.router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: false });
        transports.push(transport);
        await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
        const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: recorderCapabilities(opts.router), paused: true });
        consumers[kind] = consumer;
        const codec = consumer.rtpParameters.codecs[0];
        if (!codec) throw new Error(`no codec negotiated for the recorded ${kind}`);
        streams.push({ kind, port, codec });
      }
      if (streams.length === 0) throw new Error('nothing to record');
      await fs.promises.mkdir(path.dirname(opts.file), { recursive: true });
      await fs.promises.writeFile(opts.sdpFile, recorderSdp(streams));
      const ffmpeg = await FfmpegProcess.start(opts.ffmpeg, opts.sdpFile, opts.file, streams.map((s) => s.port));
      const recorder = new TrackRecorder(opts, transports, consumers, ffmpeg);
      await recorder.begin();
      return recorder;
    } catch (err) {
      for (const t of transports) t.close();
      throw err;
    }
  }

  get pid(): number | undefined {
    return this.ffmpeg.pid;
  }

  get closed(): boolean {
    return this._closed;
  }

  get firstMediaAt(): number | undefined {
    return this._firstMediaAt;
  }

  /** Key frames written so far (the first and the periodic ones). */
  get keyFrameCount(): number {
    return this.keyFrames;
  }

  private async begin(): Promise<void> {
    const { video, audio } = this.consumers;
    if (!video) {
      await audio?.resume();
      this.markFirstMedia();
      return;
    }
    await video.enableTraceEvent(['keyframe']);
    video.on('trace', (trace) => {
      if (trace.type !== 'keyframe' || trace.direction !== 'out') return;
      this.keyFrames++;
      if (this._firstMediaAt === undefined) {
        this.markFirstMedia();
        void this.resumeAudio();
        this.every(this.opts.keyFrameIntervalMs, () => video.requestKeyFrame());
      }
    });
    const producer = this.opts.inputs.video;
    producer?.on('videoorientationchange', (o) => this.observer.emit('rotation', o.rotation as 0 | 90 | 180 | 270));
    await video.resume();
    this.every(FIRST_KEY_FRAME_RETRY_MS, () => (this._firstMediaAt === undefined ? video.requestKeyFrame() : undefined));
    await video.requestKeyFrame();
    this.after(AUDIO_WAITS_FOR_VIDEO_MS, () => {
      if (this._firstMediaAt === undefined) void this.resumeAudio();
    });
  }

  private async resumeAudio(): Promise<void> {
    const audio = this.consumers.audio;
    if (!audio || audio.closed || !audio.paused) return;
    await audio.resume().catch((err: unknown) => this.opts.log.warn({ err }, 'could not resume recorded audio'));
  }

  private markFirstMedia(): void {
    if (this._firstMediaAt !== undefined) return;
    this._firstMediaAt = this.opts.clock.now();
    this.observer.emit('firstMedia', this._firstMediaAt);
  }

  private every(ms: number, fn: () => Promise<void> | void): void {
    // A trace event can arrive after close(): a timer made then would never be cleared.
    if (ms <= 0 || this._closed) return;
    const timer = setInterval(() => {
      if (this._closed) return;
      void Promise.resolve(fn()).catch((err: unknown) => this.opts.log.debug({ err }, 'key-frame request failed'));
    }, ms);
    this.timers.add(timer);
  }

  private after(ms: number, fn: () => void): void {
    if (this._closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this._closed) fn();
    }, ms);
    this.timers.add(timer);
  }

  /** Finishes the file (ffmpeg writes its index), then releases the transports. */
  async stop(): Promise<void> {
    if (this._closed) return;
    this.clearTimers();
    await this.ffmpeg.stop();
    this.close();
  }

  private clearTimers(): void {
    for (const t of this.timers) {
      clearInterval(t);
      clearTimeout(t);
    }
    this.timers.clear();
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this.clearTimers();
    if (!this.ffmpeg.closed) void this.ffmpeg.stop();
    for (const t of this.transports) t.close();
    this.observer.emit('close');
  }
}

/**
 * What the recorder accepts: the router's codecs without RTX (ffmpeg never asks for
 * retransmissions) and no header extensions, so the phone's orientation is not applied by anyone;
 * it is recorded beside the segment instead (see the 'rotation' event).
 */
function recorderCapabilities(router: types.Router): types.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? []).filter((c) => !c.mimeType.toLowerCase().endsWith('/rtx')).map((c) => ({ ...c, rtcpFeedback: [] })),
    headerExtensions: [],
  };
}
