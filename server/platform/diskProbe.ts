import fs from 'node:fs';
import type { ProbeResult } from './HealthMonitor';

/** Free space on the file systems holding the given folders; down when any is below the floor. */
export async function diskProbe(dirs: Record<string, string>, minFreeMb: number): Promise<ProbeResult> {
  const detail: Record<string, unknown> = {};
  let ok = true;
  for (const [name, dir] of Object.entries(dirs)) {
    if (!fs.existsSync(dir)) continue;
    const st = await fs.promises.statfs(dir);
    const freeMb = Math.floor((st.bavail * st.bsize) / (1024 * 1024));
    detail[`${name}FreeMb`] = freeMb;
    if (freeMb < minFreeMb) ok = false;
  }
  return ok ? { ok, detail } : { ok, detail, error: `less than ${minFreeMb} MB free` };
}
