// CPU time of processes (all their threads) from /proc/<pid>/stat, as a share of one core over a
// measured window: (utime + stime at the end - at the start) / elapsed wall time.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const out = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticksPerSecond = Number.isFinite(out) && out > 0 ? out : 100;
  }
  return ticksPerSecond;
}

/** utime + stime of a process in seconds, or undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Named groups of processes, each measured as the sum of its members. */
export type ProcessGroups = Record<string, readonly number[]>;

export interface CpuShares {
  seconds: number;
  /** Per group: % of one core, summed over the group's processes. */
  pct: Record<string, number>;
  /** Processes that ended inside the window (their CPU is then undercounted). */
  lost: number[];
}

/** Starts a window now; `end()` gives each group's share of a core since. */
export function cpuWindow(groups: ProcessGroups): { end(): CpuShares } {
  const t0 = performance.now();
  const start = new Map<number, number>();
  for (const pids of Object.values(groups)) for (const pid of pids) start.set(pid, cpuSeconds(pid) ?? NaN);
  return {
    end(): CpuShares {
      const seconds = (performance.now() - t0) / 1000;
      const pct: Record<string, number> = {};
      const lost: number[] = [];
      for (const [name, pids] of Object.entries(groups)) {
        let used = 0;
        for (const pid of pids) {
          const a = start.get(pid);
          const b = cpuSeconds(pid);
          if (a === undefined || b === undefined || Number.isNaN(a)) {
            lost.push(pid);
            continue;
          }
          used += b - a;
        }
        pct[name] = (used / seconds) * 100;
      }
      return { seconds, pct, lost };
    },
  };
}

/** Busy share of the whole machine over the same kind of window (from /proc/stat), % of all cores. */
export function machineWindow(): { end(): { busyPct: number; cores: number } } {
  const read = () => {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (line[3] ?? 0) + (line[4] ?? 0);
    const total = line.reduce((a, b) => a + b, 0);
    return { idle, total };
  };
  const a = read();
  return {
    end() {
      const b = read();
      const total = b.total - a.total;
      const cores = fs.readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
      return { busyPct: total > 0 ? (1 - (b.idle - a.idle) / total) * 100 : 0, cores };
    },
  };
}
