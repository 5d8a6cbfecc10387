// The parent's handle on one rtpSinkProcess: where to send, and packets/loss between two snapshots.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { SinkReady, SinkSnapshot } from './rtpSinkProcess';

export interface SinkWindow {
  seconds: number;
  packets: number;
  expected: number;
  lost: number;
  ssrcs: number;
}

export class RtpSink {
  private pending: Array<(s: SinkSnapshot) => void> = [];
  private _closed = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    /** What the kernel granted (Linux reports twice the size asked, capped by net.core.rmem_max). */
    readonly recvBuffer: number,
  ) {
    child.on('message', (m: SinkSnapshot) => {
      if (m.type === 'snapshot') this.pending.shift()?.(m);
    });
  }

  static async start(): Promise<RtpSink> {
    const child = fork(path.join(__dirname, 'rtpSinkProcess.ts'), [], { execArgv: ['--require', 'tsx/cjs'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<SinkReady>((resolve, reject) => {
      child.once('message', (m: SinkReady) => resolve(m));
      child.once('exit', (code) => reject(new Error(`RTP sink exited with ${code} before binding`)));
    });
    return new RtpSink(child, ready.port, ready.recvBuffer);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** From now on, note when each RTP timestamp of this SSRC first arrives (see SinkSnapshot.arrivals). */
  track(ssrc: number): void {
    this.child.send({ track: ssrc });
  }

  snapshot(): Promise<SinkSnapshot> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.send('snapshot');
    });
  }

  static between(a: SinkSnapshot, b: SinkSnapshot): SinkWindow {
    let expected = 0;
    let lost = 0;
    let ssrcs = 0;
    for (const [ssrc, end] of Object.entries(b.ssrcs)) {
      const start = a.ssrcs[ssrc];
      if (!start) continue;
      ssrcs++;
      const exp = end.highest - start.highest;
      const got = end.received - start.received;
      expected += exp;
      lost += Math.max(0, exp - got);
    }
    return { seconds: (b.at - a.at) / 1000, packets: b.packets - a.packets, expected, lost, ssrcs };
  }

  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await gone;
  }
}
