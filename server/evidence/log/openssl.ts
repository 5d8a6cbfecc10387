import { execFile } from 'node:child_process';

/** Runs the openssl CLI; rejects with its stderr, so the reason reaches the log or the report. */
export function openssl(args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('openssl', [...args], { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`openssl ${args[0]} ${args[1] ?? ''} failed: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
  });
}
