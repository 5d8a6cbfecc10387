import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import type { Logger } from './logger';

/**
 * A private redis-server owned by this app: started when REDIS_URL is not set, listening only on a
 * unix socket under the data dir (no port to collide with, nothing reachable from the network),
 * with AOF on so accepted state survives a restart. Supervised: if it dies it is started again on
 * the same socket, with back-off, and the clients reconnect by themselves.
 */
export class RedisProcess {
  private exited = false;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** How many times it was restarted after dying (for /healthz and the fault tests). */
  restarts = 0;

  private constructor(
    private child: ChildProcess,
    readonly socketPath: string,
    private readonly dir: string,
    private readonly log: Logger,
  ) {
    this.watch(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Running and not being restarted. */
  get up(): boolean {
    return !this.exited && !this.stopping;
  }

  private watch(child: ChildProcess): void {
    child.once('exit', (code, signal) => {
      if (child !== this.child) return;
      this.exited = true;
      if (this.stopping) return;
      this.log.error({ code, signal, restarts: this.restarts }, 'private redis-server exited unexpectedly: restarting it');
      this.scheduleRestart();
    });
  }

  /** Back-off 100 ms, 200, 400 ... capped at 5 s, so a redis that cannot start does not spin. */
  private scheduleRestart(): void {
    const delay = Math.min(5000, 100 * 2 ** this.failures);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restart();
    }, delay);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      const { child, ready } = RedisProcess.spawnServer(this.dir, this.socketPath);
      this.child = child;
      this.exited = false;
      this.watch(child);
      await ready;
      this.failures = 0;
      this.restarts++;
      this.log.warn({ restarts: this.restarts, pid: child.pid }, 'private redis-server restarted');
    } catch (err) {
      this.failures++;
      this.log.error({ err, failures: this.failures }, 'private redis-server failed to restart');
      // Its exit schedules the next attempt, with a longer back-off.
      if (!this.exited) this.child.kill('SIGKILL');
    }
  }

  static async start(dataDir: string, log: Logger): Promise<RedisProcess> {
    const dir = path.join(dataDir, 'redis');
    fs.mkdirSync(dir, { recursive: true });
    const socketPath = path.join(dir, 'redis.sock');
    await RedisProcess.shutdownStale(socketPath, log);
    const { child, ready } = RedisProcess.spawnServer(dir, socketPath);
    const proc = new RedisProcess(child, socketPath, dir, log);
    await ready;
    log.info({ socketPath }, 'private redis-server started');
    return proc;
  }

  private static spawnServer(dir: string, socketPath: string): { child: ChildProcess; ready: Promise<void> } {
    const child = spawn(
      'redis-server',
      [
        '--port', '0',
        '--unixsocket', socketPath,
        '--unixsocketperm', '700',
        '--dir', dir,
        '--appendonly', 'yes',
        '--appendfsync', 'everysec',
        '--save', '',
        '--daemonize', 'no',
        '--logfile', path.join(dir, 'redis.log'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const spawnError = new Promise<never>((_, reject) => {
      child.once('error', (err) =>
        reject(new Error(`cannot start redis-server (${err.message}); install it with: apt-get install redis-server`)),
      );
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${stderr.trim()}`)));
    });
    spawnError.catch(() => undefined);
    return { child, ready: Promise.race([RedisProcess.waitReady(socketPath), spawnError]) };
  }

  /** A previous run killed with SIGKILL can leave its redis-server behind on our socket. */
  private static async shutdownStale(socketPath: string, log: Logger): Promise<void> {
    if (!fs.existsSync(socketPath)) return;
    const client = new Redis({ path: socketPath, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      log.warn({ socketPath }, 'stopping a redis-server left behind by a previous run');
      await client.call('SHUTDOWN').catch(() => undefined);
    } catch {
      // Nothing listening: the socket file is stale and redis-server replaces it.
    } finally {
      client.disconnect();
    }
    for (let i = 0; i < 50 && fs.existsSync(socketPath); i++) await sleep(50);
  }

  private static async waitReady(socketPath: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (fs.existsSync(socketPath)) {
        const client = new Redis({ path: socketPath, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        client.on('error', () => undefined);
        try {
          await client.connect();
          if ((await client.ping()) === 'PONG') return;
        } catch {
          // Still loading the AOF: try again shortly.
        } finally {
          client.disconnect();
        }
      }
      await sleep(30);
    }
    throw new Error('private redis-server did not become ready within 10 s');
  }

  get url(): string {
    return `redis+unix://${this.socketPath}`;
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    // SIGTERM makes redis flush the AOF before exiting.
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    this.log.info('private redis-server stopped');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
