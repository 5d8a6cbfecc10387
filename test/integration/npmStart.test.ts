import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, printed } from '../support/serverProcess';


/** Processes whose command line names this data dir (the server, its redis-server). */
function processesOf(dataDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', dataDir]).toString().trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('npm start', () => {
  it('stops the server, its redis-server and its media workers on one SIGTERM to npm', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-npm-start-'));
    const npm = spawn('npm', ['start'], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1', TLS: 'off', RTC_PORT: '0', MEDIA_WORKERS: '1', LOG_LEVEL: 'warn', SEED_DEMO: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await printed(npm, 'is running');
      const workers = execFileSync('pgrep', ['-f', 'mediasoup-worker']).toString().trim().split('\n').length;
      expect(processesOf(dataDir).length).toBeGreaterThan(0);
      const exited = new Promise((r) => npm.once('exit', r));
      npm.kill('SIGTERM');
      await exited;
      let left = processesOf(dataDir);
      for (let i = 0; i < 50 && left.length; i++) {
        await new Promise((r) => setTimeout(r, 100));
        left = processesOf(dataDir);
      }
      expect(left).toEqual([]);
      expect(fs.existsSync(path.join(dataDir, 'redis', 'redis.sock'))).toBe(false);
      const countWorkers = () => {
        try {
          return execFileSync('pgrep', ['-f', 'mediasoup-worker']).toString().trim().split('\n').filter(Boolean).length;
        } catch {
          return 0;
        }
      };
      let workersAfter = countWorkers();
      for (let i = 0; i < 50 && workersAfter >= workers; i++) {
        await new Promise((r) => setTimeout(r, 100));
        workersAfter = countWorkers();
      }
      expect(workersAfter).toBeLessThan(workers);
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      for (const line of processesOf(dataDir)) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
