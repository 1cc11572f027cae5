/**
 * CPU time per process of a benchmark run, read from Linux's /proc: the
 * benchmark's own process (the client), the worker process, the Temporal dev
 * server and PostgreSQL (the postmaster and every backend). The difference of
 * two readings shows which process used the cores during a measurement.
 */

import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user plus system) that each process has used so far; null where /proc could not be read. */
export interface CpuReading {
  client: number;
  worker: number | null;
  temporal: number | null;
  postgres: number | null;
}

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ), which is 100 on every common kernel. */
const clockTicksPerSecond = 100;

interface ProcessTimes {
  pid: number;
  parentPid: number;
  command: string;
  /** utime + stime of the process itself, all threads. */
  ownTicks: number;
  /** cutime + cstime: children that ended and were waited for. */
  endedChildrenTicks: number;
}

function readProcessTimes(pid: number): ProcessTimes | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command is in parentheses and may contain spaces; the fields after it are space-separated.
    const commandEnd = stat.lastIndexOf(')');
    const command = stat.slice(stat.indexOf('(') + 1, commandEnd);
    const fields = stat.slice(commandEnd + 2).split(' ');
    // fields[0] is the state (field 3 of proc(5)), so field n is fields[n - 3].
    return {
      pid,
      parentPid: Number(fields[1]),
      command,
      ownTicks: Number(fields[11]) + Number(fields[12]),
      endedChildrenTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return null;
  }
}

function readAllProcesses(): ProcessTimes[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcessTimes(Number(name)))
    .filter((times): times is ProcessTimes => times !== null);
}

/** CPU seconds of a process and all its descendants, alive or ended. */
function treeSeconds(root: ProcessTimes, processes: readonly ProcessTimes[]): number {
  let ticks = root.ownTicks + root.endedChildrenTicks;
  for (const child of processes.filter((candidate) => candidate.parentPid === root.pid)) {
    ticks += treeSeconds(child, processes) * clockTicksPerSecond;
  }
  return ticks / clockTicksPerSecond;
}

/**
 * Reads the CPU time of the benchmark's processes. The Temporal dev server
 * and PostgreSQL are found as children of this process by their command
 * name; `workerPid` names the current worker process.
 *
 * @example
 *   const before = readCpu(host.pid);
 *   // ... measure ...
 *   const spent = cpuSecondsBetween(before, readCpu(host.pid));
 */
export function readCpu(workerPid: number | null): CpuReading {
  const processes = readAllProcesses();
  const children = processes.filter((candidate) => candidate.parentPid === process.pid);
  const childTree = (command: string): number | null => {
    const child = children.find((candidate) => candidate.command === command);
    return child === undefined ? null : treeSeconds(child, processes);
  };
  const worker = workerPid === null ? undefined : processes.find((candidate) => candidate.pid === workerPid);
  const ownUsage = process.cpuUsage();

  return {
    client: (ownUsage.user + ownUsage.system) / 1_000_000,
    worker: worker === undefined ? null : treeSeconds(worker, processes),
    temporal: childTree('temporal'),
    postgres: childTree('postgres'),
  };
}

/**
 * Returns the CPU seconds each process spent between two readings; null for a process missing from either.
 *
 * @example
 *   cpuSecondsBetween(before, after).worker; // 12.3
 */
export function cpuSecondsBetween(before: CpuReading, after: CpuReading): CpuReading {
  const difference = (start: number | null, end: number | null): number | null => (start === null || end === null ? null : end - start);
  return {
    client: after.client - before.client,
    worker: difference(before.worker, after.worker),
    temporal: difference(before.temporal, after.temporal),
    postgres: difference(before.postgres, after.postgres),
  };
}

/**
 * Adds CPU readings field by field (for measurements with several timed phases).
 *
 * @example
 *   addCpu(openPhase, closePhase);
 */
export function addCpu(left: CpuReading, right: CpuReading): CpuReading {
  const sum = (first: number | null, second: number | null): number | null => (first === null || second === null ? null : first + second);
  return {
    client: left.client + right.client,
    worker: sum(left.worker, right.worker),
    temporal: sum(left.temporal, right.temporal),
    postgres: sum(left.postgres, right.postgres),
  };
}
