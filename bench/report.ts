/**
 * The benchmark's output: the targets checked against the figures, the
 * printed table, and the JSON results file with the same figures.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { BareLifecycleResult } from './bare-lifecycle';
import type { BaselineResult } from './baseline';
import type { CpuReading } from './cpu-usage';
import { roundToHundredths, type MachineDescription } from './environment';
import type { EscalationLatenessResult } from './escalation-lateness';
import type { LifecycleResult } from './lifecycle';
import type { MemoryResult } from './memory';
import type { BenchOptions } from './options';
import type { ReplayResult } from './replay';
import type { DurationSummary, SegmentSummary } from './statistics';
import type { TimerLatenessResult } from './timer-lateness';
import type { UpdateLatencyResult } from './update-latency';
import type { EffectiveWorkerOptions } from './worker-protocol';

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  commandArguments: string[];
  options: BenchOptions;
  machine: MachineDescription;
  serverStartupSeconds: { temporal: number; postgres: number } | null;
  /** Options of the ticket worker in the first worker process, as the SDK resolved them. */
  workerOptions: EffectiveWorkerOptions | null;
  baseline: BaselineResult | null;
  lifecycle: LifecycleResult | null;
  /** Bare lifecycles with the ticket lifecycle's engine interactions only, run right after it, with no target. */
  bareLifecycle: BareLifecycleResult | null;
  updateLatency: UpdateLatencyResult | null;
  timers: TimerLatenessResult | null;
  /** Worker memory with open tickets, and with as many bare no-op workflows, each in a fresh worker process. */
  memory: { ticket: MemoryResult | null; bare: MemoryResult | null } | null;
  replay: ReplayResult | null;
  /** SLA escalation lateness of tickets at the timers' intake rate. */
  escalations: EscalationLatenessResult | null;
  targets: TargetCheck[];
  /** Total CPU per bare workflow divided by total CPU per ticket (see {@link cpuThroughputRatio}); null when not measured. */
  cpuThroughputRatio: number | null;
  /** Measurements that stopped with an error, with its message. */
  errors: Array<{ section: string; message: string }>;
}

export type Verdict = 'pass' | 'fail' | 'not measured';

export interface TargetCheck {
  name: string;
  /** The measured figure that the target bounds, or null when it was not measured. */
  measured: number | null;
  /** The bound, for example ">= 0.5" or "<= 1.5". */
  target: string;
  verdict: Verdict;
  note?: string;
}

function verdictOf(measured: number | null, passes: (value: number) => boolean): Verdict {
  if (measured === null) {
    return 'not measured';
  }
  return passes(measured) ? 'pass' : 'fail';
}

function atLeast(name: string, measured: number | null, bound: number, note?: string): TargetCheck {
  const check: TargetCheck = { name, measured, target: `>= ${bound}`, verdict: verdictOf(measured, (value) => value >= bound) };
  if (note !== undefined) {
    check.note = note;
  }
  return check;
}

function atMost(name: string, measured: number | null, bound: number, note?: string): TargetCheck {
  const check: TargetCheck = { name, measured, target: `<= ${bound}`, verdict: verdictOf(measured, (value) => value <= bound) };
  if (note !== undefined) {
    check.note = note;
  }
  return check;
}

function ratio(numerator: number | undefined, denominator: number | undefined): number | null {
  if (numerator === undefined || denominator === undefined || denominator <= 0) {
    return null;
  }
  return numerator / denominator;
}

/** Names of the targets, as the results file and the table's lookups spell them. */
const lifecycleRatioTarget = 'lifecycle tickets/s ÷ baseline workflows/s';
const queryLatencyTarget = 'update p99 to query ÷ bare update p99';
const storeLatencyTarget = 'update p99 to store row ÷ bare update p99';
const historyLengthTarget = 'history events per lifecycle (largest)';
const replayCostTarget = 'replay cost per ticket ÷ bare stand-in';
const fullLogTarget = 'full log replay seconds';
const escalationLatenessTarget = 'SLA escalation p99 ÷ bare timer p99';

/**
 * Checks the figures against the targets of the benchmark: throughput,
 * update latency, history length, escalation lateness and replay cost. The
 * escalation ratio divides the two p99 latenesses to the next workflow task.
 *
 * @example
 *   const targets = checkTargets(results);
 */
export function checkTargets(results: Pick<BenchResults, 'baseline' | 'lifecycle' | 'updateLatency' | 'timers' | 'escalations' | 'replay'>): TargetCheck[] {
  const { baseline, lifecycle, updateLatency, timers, escalations, replay } = results;
  const bareP99 = updateLatency?.bareStateInQuery?.p99Milliseconds;
  const fullLogReplayed = replay !== null && replay.wholeLog;

  return [
    atLeast(lifecycleRatioTarget, ratio(lifecycle?.ticketsPerSecond, baseline?.workflowsPerSecond), 0.5),
    atMost(queryLatencyTarget, ratio(updateLatency?.ticketStateInQuery?.p99Milliseconds, bareP99), 1.5),
    atMost(storeLatencyTarget, ratio(updateLatency?.ticketRowInStore?.p99Milliseconds, bareP99), 3),
    atMost(historyLengthTarget, lifecycle?.history?.maximumEvents ?? null, 60),
    atMost(
      escalationLatenessTarget,
      ratio(escalations?.latenessToWorkflowTask?.p99Milliseconds, timers?.latenessToWorkflowTask?.p99Milliseconds),
      1.5,
      escalationRatioNote(timers, escalations),
    ),
    atMost(replayCostTarget, replay?.costRatio ?? null, 2),
    atMost(
      fullLogTarget,
      fullLogReplayed ? replay.realSeconds : null,
      300,
      replay === null || fullLogReplayed ? undefined : `not run: --replay-limit all`,
    ),
  ];
}

/**
 * Returns why the escalation ratio has no value, or undefined when it has
 * one. Both sides must come from the same run, where they share the intake rate.
 */
function escalationRatioNote(timers: TimerLatenessResult | null, escalations: EscalationLatenessResult | null): string | undefined {
  if (escalations === null) {
    return 'not measured: escalations did not run';
  }
  if (timers === null) {
    return 'not measured: timers did not run in this run';
  }
  if ((timers.latenessToWorkflowTask?.p99Milliseconds ?? 0) <= 0) {
    return 'not measured: bare timer p99 is not above 0 ms';
  }
  return undefined;
}

/** One printed line: a figure with its value, and for a target its bound and verdict. */
interface TableRow {
  figure: string;
  value: string;
  target?: string;
  verdict?: Verdict;
}

const fixed = (value: number, digits = 1): string => value.toFixed(digits);
const milliseconds = (summary: DurationSummary | null | undefined): string =>
  summary === null || summary === undefined ? 'not measured' : `${fixed(summary.p50Milliseconds, 0)} / ${fixed(summary.p95Milliseconds, 0)} / ${fixed(summary.p99Milliseconds, 0)} ms`;

/** Total CPU seconds over the four processes, or null when a process was not read. */
function totalCpuSeconds(cpu: CpuReading): number | null {
  return cpu.worker === null || cpu.temporal === null || cpu.postgres === null ? null : cpu.client + cpu.worker + cpu.temporal + cpu.postgres;
}

/** CPU per item of `numerator` divided by CPU per item of `denominator`, or null when either is missing. */
function cpuPerItemRatio(numerator: { cpu: CpuReading; count: number } | null, denominator: { cpu: CpuReading; count: number } | null): number | null {
  if (numerator === null || denominator === null) {
    return null;
  }
  const numeratorSeconds = totalCpuSeconds(numerator.cpu);
  const denominatorSeconds = totalCpuSeconds(denominator.cpu);
  if (numeratorSeconds === null || denominatorSeconds === null || denominatorSeconds === 0) {
    return null;
  }
  return numeratorSeconds / numerator.count / (denominatorSeconds / denominator.count);
}

/**
 * Total CPU per bare workflow divided by total CPU per ticket, over all four
 * processes. On a machine whose cores are the bottleneck this predicts the
 * throughput ratio, and other work on the machine moves it less than it
 * moves wall-clock rates. Null when a reading is missing.
 *
 * @example
 *   cpuThroughputRatio(results); // 0.15
 */
export function cpuThroughputRatio(results: Pick<BenchResults, 'baseline' | 'lifecycle'>): number | null {
  const { baseline, lifecycle } = results;
  if (baseline === null || lifecycle === null) {
    return null;
  }

  return cpuPerItemRatio({ cpu: baseline.cpuSeconds, count: baseline.workflowCount }, { cpu: lifecycle.cpuSeconds, count: lifecycle.ticketCount });
}

/** CPU milliseconds per workflow or ticket, by process. */
function cpuPerItem(cpu: CpuReading, count: number): string {
  const perItem = (seconds: number | null): string => (seconds === null ? '?' : fixed((seconds * 1000) / count, 1));
  return `${perItem(cpu.client)} / ${perItem(cpu.worker)} / ${perItem(cpu.temporal)} / ${perItem(cpu.postgres)} ms`;
}

function targetRow(figure: string, check: TargetCheck | undefined, digits = 2): TableRow {
  if (check === undefined) {
    return { figure, value: 'not measured' };
  }
  const value = check.measured === null ? (check.note ?? 'not measured') : fixed(check.measured, digits);
  return { figure, value, target: check.target, verdict: check.verdict };
}

type TargetLookup = (name: string) => TargetCheck | undefined;

function baselineRows({ baseline }: BenchResults): Array<TableRow | string> {
  const rows: Array<TableRow | string> = ['1 baseline: bare workflow (start, one signal, complete)'];
  if (baseline === null) {
    rows.push({ figure: 'workflows per second', value: 'not measured' });
    return rows;
  }

  rows.push({ figure: 'workflows per second', value: `${fixed(baseline.workflowsPerSecond)} (${baseline.workflowCount} in ${fixed(baseline.elapsedSeconds)} s)` });
  rows.push({ figure: 'CPU per workflow: client/worker/Temporal/PG', value: cpuPerItem(baseline.cpuSeconds, baseline.workflowCount) });
  return rows;
}

function lifecycleRows(results: BenchResults, target: TargetLookup): Array<TableRow | string> {
  const { lifecycle } = results;
  const rows: Array<TableRow | string> = ['2 ticket lifecycle: open, assign, hand-off, resolve, confirm, stored (times p50 / p95 / p99)'];
  rows.push({ figure: 'tickets per second (busy time)', value: lifecycle === null ? 'not measured' : `${fixed(lifecycle.ticketsPerSecond)} (${lifecycle.ticketCount} in ${fixed(lifecycle.busySeconds)} s)` });
  rows.push(targetRow('ratio to baseline', target(lifecycleRatioTarget)));
  if (lifecycle === null) {
    return rows;
  }

  const cpuRatio = cpuThroughputRatio(results);
  rows.push({ figure: 'CPU per ticket: client/worker/Temporal/PG', value: cpuPerItem(lifecycle.cpuSeconds, lifecycle.ticketCount) });
  rows.push({ figure: 'CPU per bare workflow ÷ CPU per ticket', value: cpuRatio === null ? 'not measured' : `${fixed(cpuRatio, 2)} (all four processes)` });
  rows.push({ figure: 'hand-offs done (of tickets)', value: `${lifecycle.ticketsHandedOff} of ${lifecycle.ticketCount}` });
  rows.push({ figure: 'hand-off timer set for, after shift end', value: milliseconds(lifecycle.handOffTimer.setFor) });
  rows.push({ figure: 'hand-off timer fired after shift end', value: milliseconds(lifecycle.handOffTimer.fired) });
  rows.push({ figure: 'hand-off stored after shift end', value: milliseconds(lifecycle.handOffCompletion) });
  return rows;
}

/** Rows of the bare lifecycle, the engine's own limit for the ticket lifecycle, with no target. */
function bareLifecycleRows({ baseline, lifecycle, bareLifecycle }: BenchResults): TableRow[] {
  if (bareLifecycle === null) {
    return [{ figure: 'bare lifecycle (engine only) per second', value: 'not measured' }];
  }

  const ratioValue = (value: number | null): string => (value === null ? 'not measured' : fixed(value, 2));
  return [
    { figure: 'bare lifecycle (engine only) per second', value: `${fixed(bareLifecycle.workflowsPerSecond)} (${bareLifecycle.workflowCount} in ${fixed(bareLifecycle.busySeconds)} s)` },
    { figure: 'bare lifecycle ratio to baseline', value: ratioValue(ratio(bareLifecycle.workflowsPerSecond, baseline?.workflowsPerSecond)) },
    { figure: 'ticket lifecycle ÷ bare lifecycle', value: ratioValue(ratio(lifecycle?.ticketsPerSecond, bareLifecycle.workflowsPerSecond)) },
    { figure: 'CPU per bare lifecycle: client/worker/Temporal/PG', value: cpuPerItem(bareLifecycle.cpuSeconds, bareLifecycle.workflowCount) },
    {
      figure: 'CPU per bare workflow ÷ per bare lifecycle',
      value: ratioValue(cpuPerItemRatio(baseline === null ? null : { cpu: baseline.cpuSeconds, count: baseline.workflowCount }, { cpu: bareLifecycle.cpuSeconds, count: bareLifecycle.workflowCount })),
    },
    {
      figure: 'CPU per bare lifecycle ÷ per ticket',
      value: ratioValue(cpuPerItemRatio({ cpu: bareLifecycle.cpuSeconds, count: bareLifecycle.workflowCount }, lifecycle === null ? null : { cpu: lifecycle.cpuSeconds, count: lifecycle.ticketCount })),
    },
    { figure: 'bare hand-offs done (of workflows)', value: `${bareLifecycle.workflowsHandedOff} of ${bareLifecycle.workflowCount}` },
  ];
}

function latencyRows({ updateLatency }: BenchResults, target: TargetLookup): Array<TableRow | string> {
  return [
    '3 update latency from the client call, p50 / p95 / p99',
    { figure: 'ticket update, state in query', value: milliseconds(updateLatency?.ticketStateInQuery) },
    { figure: 'ticket update, row in PostgreSQL', value: milliseconds(updateLatency?.ticketRowInStore) },
    { figure: 'bare update, state in query', value: milliseconds(updateLatency?.bareStateInQuery) },
    targetRow('query p99 ratio', target(queryLatencyTarget)),
    targetRow('store row p99 ratio', target(storeLatencyTarget)),
  ];
}

function historyAndMemoryRows({ memory, lifecycle, bareLifecycle }: BenchResults, target: TargetLookup): Array<TableRow | string> {
  const ticketHistory = lifecycle?.history;
  const ticketHistoryValue =
    ticketHistory === null || ticketHistory === undefined ? 'not measured' : `${ticketHistory.minimumEvents} to ${ticketHistory.maximumEvents} (median ${ticketHistory.medianEvents})`;
  const bareHistory = bareLifecycle?.history;
  const bareHistoryValue =
    bareHistory === null || bareHistory === undefined ? 'not measured' : `${bareHistory.minimumEvents} to ${bareHistory.maximumEvents} (median ${bareHistory.medianEvents})`;
  const memoryValue = (result: MemoryResult | null | undefined): string =>
    result === null || result === undefined ? 'not measured' : `${fixed(result.residentSetMegabytesPerThousandWorkflows)} MB (${result.openWorkflows} held)`;

  return [
    '4 history and memory',
    targetRow('history events per lifecycle', target(historyLengthTarget), 0),
    { figure: 'history events per lifecycle, all tickets', value: ticketHistoryValue },
    { figure: 'history events per bare lifecycle', value: bareHistoryValue },
    { figure: 'worker RSS per 1,000 open tickets', value: memoryValue(memory?.ticket) },
    { figure: 'worker RSS per 1,000 open bare workflows', value: memoryValue(memory?.bare) },
  ];
}

function replayRows({ replay }: BenchResults, target: TargetLookup): Array<TableRow | string> {
  const rate = (ticketsPerSecond: number, seconds: number): string =>
    replay === null ? 'not measured' : `${fixed(ticketsPerSecond)} (${replay.ticketCount} in ${fixed(seconds)} s)`;

  return [
    '5 replay of the real log on the time-skipping server',
    { figure: 'tickets per second, desk', value: rate(replay?.realTicketsPerSecond ?? 0, replay?.realSeconds ?? 0) },
    { figure: 'tickets per second, bare stand-in', value: rate(replay?.bareTicketsPerSecond ?? 0, replay?.bareSeconds ?? 0) },
    { figure: 'tickets per second, stepping stand-in', value: rate(replay?.steppingTicketsPerSecond ?? 0, replay?.steppingSeconds ?? 0) },
    { figure: 'clock steps (widest step)', value: replay === null ? 'not measured' : `${replay.clockSteps} (at most ${replay.clockStepMinutes} minutes between duty boundaries)` },
    targetRow('cost per ticket ratio, desk ÷ bare stand-in', target(replayCostTarget)),
    { figure: 'desk ÷ stepping stand-in; stepping ÷ bare', value: replay === null ? 'not measured' : `${fixed(replay.costRatioToStepping, 2)}; ${fixed(replay.steppingSeconds / replay.bareSeconds, 2)}` },
    targetRow('full log seconds', target(fullLogTarget), 0),
  ];
}

function timerRows({ timers, escalations }: BenchResults, target: TargetLookup): Array<TableRow | string> {
  const withMaximum = (summary: DurationSummary | null | undefined, achievedRatePerSecond: number): string =>
    summary === null || summary === undefined ? 'not measured' : `${milliseconds(summary)}, max ${fixed(summary.maxMilliseconds, 0)} ms at ${fixed(achievedRatePerSecond)}/s`;
  const byQuarter = (segments: readonly SegmentSummary[] | undefined): string =>
    segments === undefined || segments.length === 0 ? 'not measured' : `${segments.map((segment) => fixed(segment.p50Milliseconds, 0)).join(' / ')} ms`;

  const rows: Array<TableRow | string> = ['6 timer lateness under load (intake rate), p50 / p95 / p99, max'];
  rows.push({ figure: 'bare timer, to next workflow task', value: withMaximum(timers?.latenessToWorkflowTask, timers?.achievedIntakeRatePerSecond ?? 0) });
  rows.push({ figure: 'bare timer, to workflow close', value: withMaximum(timers?.latenessToClose, timers?.achievedIntakeRatePerSecond ?? 0) });
  if (timers !== null) {
    rows.push({ figure: 'bare timer to task, p50 by quarter of intake', value: byQuarter(timers.latenessToWorkflowTaskByIntakeQuarter) });
    rows.push({ figure: 'CPU per timer: client/worker/Temporal/PG', value: cpuPerItem(timers.cpuSeconds, timers.workflowCount) });
  }

  rows.push({ figure: 'SLA escalation, to next workflow task', value: withMaximum(escalations?.latenessToWorkflowTask, escalations?.achievedIntakeRatePerSecond ?? 0) });
  if (escalations !== null) {
    rows.push({ figure: 'SLA escalation, event stored', value: withMaximum(escalations.latenessToStored, escalations.achievedIntakeRatePerSecond) });
    rows.push({ figure: 'escalation to task, p50 by quarter of intake', value: byQuarter(escalations.latenessToWorkflowTaskByIntakeQuarter) });
    rows.push({ figure: 'ticket open call to first task, p50 by quarter', value: byQuarter(escalations.openingDelayByIntakeQuarter) });
    rows.push({ figure: 'CPU per ticket: client/worker/Temporal/PG', value: cpuPerItem(escalations.cpuSeconds, escalations.ticketCount) });
  }
  rows.push(targetRow('escalation p99 ÷ bare timer p99', target(escalationLatenessTarget)));
  return rows;
}

function buildRows(results: BenchResults): Array<TableRow | string> {
  const target: TargetLookup = (name) => results.targets.find((check) => check.name === name);
  return [
    ...baselineRows(results),
    ...lifecycleRows(results, target),
    ...bareLifecycleRows(results),
    ...latencyRows(results, target),
    ...historyAndMemoryRows(results, target),
    ...replayRows(results, target),
    ...timerRows(results, target),
  ];
}

/**
 * Formats the results as the table that the benchmark prints.
 *
 * @example
 *   process.stdout.write(formatResultsTable(results));
 */
export function formatResultsTable(results: BenchResults): string {
  const { machine } = results;
  const lines: string[] = [];
  const counts = results.options.quick ? 'quick counts (too small to judge targets by)' : 'full counts';
  lines.push(`sundesk benchmark, ${results.startedAt}, ${counts}, sections ${results.options.sections.join(',')}`);
  lines.push(`machine: ${machine.cpuCores} cores (${machine.cpuModel}), load average ${machine.loadAverageAtStart.join(' ')} at start, ${machine.loadAverageAtEnd?.join(' ') ?? '?'} at end`);
  lines.push(
    `versions: Node ${machine.nodeVersion}, Temporal SDK ${machine.temporalSdkVersion}, ${machine.temporalCliVersion}, ` +
      `PostgreSQL ${machine.postgresVersion ?? '?'}, test server ${machine.testServerVersion ?? '?'}`,
  );
  lines.push('');

  const figureWidth = 50;
  const valueWidth = 44;
  for (const row of buildRows(results)) {
    if (typeof row === 'string') {
      lines.push(row);
      continue;
    }
    let verdict = row.verdict ?? '';
    if (row.verdict === 'pass' || row.verdict === 'fail') {
      verdict = row.verdict.toUpperCase();
    }
    lines.push(`  ${row.figure.padEnd(figureWidth)} ${row.value.padEnd(valueWidth)} ${(row.target ?? '').padEnd(12)} ${verdict}`.trimEnd());
  }

  if (results.errors.length > 0) {
    lines.push('');
    for (const error of results.errors) {
      lines.push(`error in ${error.section}: ${error.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the results as JSON to `<folder>/<timestamp>.json` and returns the path.
 *
 * @example
 *   const file = writeResultsFile(results, 'bench-results');
 */
export function writeResultsFile(results: BenchResults, outputDirectory: string): string {
  mkdirSync(outputDirectory, { recursive: true });
  const file = path.join(outputDirectory, `${fileTimestamp(new Date(results.startedAt))}.json`);
  const rounded = JSON.parse(JSON.stringify(results, (_key, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? roundToHundredths(value) : value))) as BenchResults;
  writeFileSync(file, `${JSON.stringify(rounded, null, 2)}\n`);
  return file;
}

/** `2026-03-02T10-15-20Z`: an ISO instant that is safe in file names. */
export function fileTimestamp(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}
