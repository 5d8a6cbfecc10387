import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import type { Logger } from './logger';

/**
 * A private redis-server owned by this app: started when REDIS_URL is not set, listening only on a
 * unix socket under the data dir (no port to collide with, nothing reachable from the network),
 * with AOF on so accepted state survives a restart.
 */
export class RedisProcess {
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly socketPath: string,
    private readonly log: Logger,
  ) {
    child.once('exit', (code, signal) => {
      this.exited = true;
      if (!this.stopping) log.error({ code, signal }, 'private redis-server exited unexpectedly');
    });
  }

  private stopping = false;

  static async start(dataDir: string, log: Logger): Promise<RedisProcess> {
    const dir = path.join(dataDir, 'redis');
    fs.mkdirSync(dir, { recursive: true });
    const socketPath = path.join(dir, 'redis.sock');
    await RedisProcess.shutdownStale(socketPath, log);
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
    const proc = new RedisProcess(child, socketPath, log);
    await Promise.race([RedisProcess.waitReady(socketPath), spawnError]);
    spawnError.catch(() => undefined);
    log.info({ socketPath }, 'private redis-server started');
    return proc;
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
    if (this.exited || this.stopping) return;
    this.stopping = true;
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
