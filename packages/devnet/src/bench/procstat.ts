/**
 * CPU time and memory of a node process, from Linux's /proc (the bench measures node
 * processes it started, by pid). Elsewhere the readers return null and the bench reports
 * those numbers as not measured.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

/** utime + stime in clock ticks, from the text of /proc/<pid>/stat. */
export function parseProcStatTicks(text: string): number | null {
  // comm (field 2) is in parentheses and may hold spaces: split after the last ')'
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const fields = text.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state); utime is field 14, stime field 15
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
}

/** VmHWM (peak resident set) and VmRSS in bytes, from the text of /proc/<pid>/status. */
export function parseProcStatusMemory(text: string): { peakRssBytes: number | null; rssBytes: number | null } {
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  return { peakRssBytes: kb("VmHWM"), rssBytes: kb("VmRSS") };
}

/**
 * Rss and Pss in bytes, from the text of /proc/<pid>/smaps_rollup. PSS (proportional set size)
 * charges each process its share of pages it shares with others (the ~50 MB of code and
 * libraries every node process maps), so the PSS of N nodes adds up to what they really take.
 */
export function parseSmapsRollup(text: string): { rssBytes: number | null; pssBytes: number | null } {
  const kb = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(text);
    return match ? Number(match[1]) * 1024 : null;
  };
  return { rssBytes: kb("Rss"), pssBytes: kb("Pss") };
}

let ticksPerSecond: number | null = null;
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) the process has used so far; null if unknown. */
export function processCpuSeconds(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const ticks = parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, "utf8"));
    return ticks === null ? null : ticks / clockTicks();
  } catch {
    return null;
  }
}

/** Peak and current RSS of the process in bytes; nulls if unknown. */
export function processMemory(pid: number | null): { peakRssBytes: number | null; rssBytes: number | null } {
  if (pid === null) return { peakRssBytes: null, rssBytes: null };
  try {
    return parseProcStatusMemory(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return { peakRssBytes: null, rssBytes: null };
  }
}

/** Current RSS and PSS of the process in bytes (smaps_rollup, Linux 4.14+); nulls if unknown. */
export async function processSmaps(pid: number | null): Promise<{ rssBytes: number | null; pssBytes: number | null }> {
  if (pid === null) return { rssBytes: null, pssBytes: null };
  try {
    return parseSmapsRollup(await readFile(`/proc/${pid}/smaps_rollup`, "utf8"));
  } catch {
    return { rssBytes: null, pssBytes: null };
  }
}
