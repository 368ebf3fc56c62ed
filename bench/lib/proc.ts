// What the kernel says a process has used: CPU time from /proc/<pid>/stat (all of its threads,
// so the expression sandbox's worker thread counts) and resident memory from /proc/<pid>/status.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const clockTicksPerSecond = readClockTicks();

function readClockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

interface Stat {
  parentPid: number;
  /** utime + stime of the process's own threads, in clock ticks */
  ownTicks: number;
  /** cutime + cstime: what its children that have exited and been waited for used */
  reapedChildrenTicks: number;
}

function readStat(pid: number): Stat {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name (field 2) is in parentheses and may itself hold spaces or parentheses
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (number: number) => Number(fields[number - 3]);
  return { parentPid: field(4), ownTicks: field(14) + field(15), reapedChildrenTicks: field(16) + field(17) };
}

/** CPU seconds (user + system) a process has used so far, all threads included. */
export function cpuSeconds(pid: number): number {
  return readStat(pid).ownTicks / clockTicksPerSecond;
}

/**
 * CPU seconds of a process and everything it forked: its own, its live children's, and what its
 * exited children used (PostgreSQL forks one backend per connection from the postmaster).
 */
export function processTreeCpuSeconds(rootPid: number): number {
  const root = readStat(rootPid);
  let ticks = root.ownTicks + root.reapedChildrenTicks;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === rootPid) continue;
    try {
      const stat = readStat(Number(entry));
      if (stat.parentPid === rootPid) ticks += stat.ownTicks;
    } catch {
      // the process ended while we looked
    }
  }
  return ticks / clockTicksPerSecond;
}

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** The CPUs this process may run on, from Cpus_allowed_list ("0-1", "0,2-3"). */
export function allowedCpus(): number[] {
  const match = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match?.[1]) return [];
  return match[1].split(',').flatMap((range) => {
    const [from, to] = range.split('-').map(Number) as [number, number | undefined];
    return Array.from({ length: (to ?? from) - from + 1 }, (_, index) => from + index);
  });
}

export function childPids(parentPid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readStat(Number(entry)).parentPid === parentPid) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}
