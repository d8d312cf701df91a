import { readdirSync, readFileSync } from 'node:fs';
import type { Stack } from '@imagestreams/stack';

/** USER_HZ: /proc/<pid>/stat counts CPU time in these (100 on Linux everywhere that matters). */
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime in ms and VmRSS in MiB, or undefined when the process is gone or /proc is unreadable. */
export function readProc(pid: number): { cpuMs: number; rssMiB: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return { cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND, rssMiB: rssKiB / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) of every process on this machine whose command is `command` (`postgres`,
 * `nats-server`): a server's share of the work, for context. A process that ended during the run
 * takes its time with it, so this is a lower bound.
 */
export function commandCpuMs(command: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== command) continue;
    } catch {
      continue;
    }
    total += readProc(Number(entry))?.cpuMs ?? 0;
  }
  return total;
}

/**
 * CPU time (ms) so far of each service process of the private stack, of all Postgres processes,
 * and of all nats-server processes (the idle system one included), keyed by label.
 */
export function cpuByProcess(stack: Stack | undefined): Map<string, number> {
  const cpu = new Map<string, number>();
  if (!stack) return cpu;
  for (const service of stack.services) {
    const now = service.pid === undefined ? undefined : readProc(service.pid);
    if (now) cpu.set(service.label, now.cpuMs);
  }
  cpu.set('postgres', commandCpuMs('postgres'));
  cpu.set('nats-server', commandCpuMs('nats-server'));
  return cpu;
}

/**
 * CPU ms each process spent between two readings of cpuByProcess (or any such map). A Postgres
 * backend that exits in between takes its time with it, which can make that difference negative:
 * it counts as 0.
 */
export function cpuSpent(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([label, ms]) => [label, Math.max(0, ms - (before.get(label) ?? ms))]));
}

/** Busy and total CPU time of the whole machine so far (/proc/stat, all cores), in clock ticks. */
export function machineCpuTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** Share (%) of all cores the machine spent busy between two readings of machineCpuTicks. */
export function machineBusyPercent(before: { busy: number; total: number }, after: { busy: number; total: number }): number {
  return ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * 100;
}
