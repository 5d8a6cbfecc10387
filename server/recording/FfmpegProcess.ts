import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { udpPortBound } from './RtpPortPairs';

interface FfmpegEvents {
  /** ffmpeg exited without being asked to: the recorder died. */
  died: [detail: { code: number | null; signal: NodeJS.Signals | null; stderr: string }];
  close: [];
}

const STOP_GRACE_MS = 4000;
/**
 * A cluster reaches the file only once it is complete: a killed ffmpeg (or one stopped while no
 * media flows) loses the one it was filling. Quarter-second clusters bound that loss; their headers
 * cost a few bytes each.
 */
const CLUSTER_MS = 250;
/**
 * ffmpeg notices one SIGINT only between packets: with nothing arriving (the phone left) it would
 * wait ~9 s. A second SIGINT interrupts the read; the file then lacks its index but keeps every
 * flushed cluster (post-processing rebuilds the index in the playback copy).
 */
const SECOND_SIGNAL_MS = 500;

/**
 * One ffmpeg that receives RTP described by an SDP file and copies it into a Matroska file with
 * short clusters, flushed as written: a killed recorder leaves a playable file that lacks at most
 * the last cluster.
 */
export class FfmpegProcess {
  readonly observer = new EventEmitter<FfmpegEvents>();
  private readonly child: ChildProcess;
  private stderrTail = '';
  private stopping = false;
  private exited: Promise<void>;
  private _closed = false;

  private constructor(binary: string, sdpFile: string, outFile: string) {
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'warning',
      '-protocol_whitelist', 'file,udp,rtp',
      '-i', sdpFile,
      '-map', '0', '-c', 'copy',
      // The muxer would hold packets up to 10 s to interleave streams; a crash would lose them.
      '-max_interleave_delta', '1000000',
      '-flush_packets', '1',
      '-f', 'matroska', '-cluster_time_limit', String(CLUSTER_MS), '-cluster_size_limit', '2000000',
      '-y', outFile,
    ];
    this.child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.stderrTail += `\n${err.message}`;
      });
      this.child.once('close', (code, signal) => {
        if (!this.stopping) this.observer.emit('died', { code, signal, stderr: this.stderrTail.trim() });
        this.finish();
        resolve();
      });
    });
  }

  /** Starts ffmpeg and resolves once every port of the SDP is bound, so no first packet is lost. */
  static async start(binary: string, sdpFile: string, outFile: string, ports: readonly number[], timeoutMs = 5000): Promise<FfmpegProcess> {
    const proc = new FfmpegProcess(binary, sdpFile, outFile);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (proc.closed) throw new Error(`ffmpeg exited before listening: ${proc.stderrTail.trim() || 'no output'}`);
      const bound = await Promise.all(ports.map((p) => udpPortBound(p)));
      if (bound.every(Boolean)) return proc;
      if (Date.now() > deadline) {
        await proc.stop();
        const sdp = await import('node:fs/promises').then((f) => f.readFile(sdpFile, 'utf8')).catch(() => '');
        throw new Error(`ffmpeg did not listen on ports ${ports.join(', ')} within ${timeoutMs} ms: ${proc.stderr || 'no output'}\n${sdp}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get closed(): boolean {
    return this._closed;
  }

  /** What ffmpeg said last (for the log when it dies). */
  get stderr(): string {
    return this.stderrTail.trim();
  }

  /** Asks ffmpeg to finish the file (SIGINT writes the index and duration); kills it if it hangs. */
  async stop(): Promise<void> {
    if (this._closed) return;
    this.stopping = true;
    this.child.kill('SIGINT');
    const again = setTimeout(() => this.child.kill('SIGINT'), SECOND_SIGNAL_MS);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(again);
    clearTimeout(timer);
  }

  private finish(): void {
    if (this._closed) return;
    this._closed = true;
    this.observer.emit('close');
  }
}
