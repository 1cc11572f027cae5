/**
 * Command-line options of `npm run bench`: how many of each thing every
 * measurement runs, with defaults for a full run and smaller ones for
 * `--quick`. An explicit flag wins over either.
 */

import path from 'node:path';

import { Command, InvalidArgumentError } from 'commander';

import { defaultClockStepMinutes } from '../src/replay/driver';

/** The measurements, in the order they run. */
export const benchSections = ['baseline', 'lifecycle', 'latency', 'timers', 'escalations', 'memory', 'replay'] as const;

export type BenchSection = (typeof benchSections)[number];

export interface BenchOptions {
  quick: boolean;
  sections: BenchSection[];
  concurrency: number;
  baselineCount: number;
  lifecycleCount: number;
  latencySamples: number;
  latencyLanes: number;
  memoryTickets: number;
  replayLimit: number | 'all';
  replayLogPath: string;
  /** Widest clock step of the replay driver in minutes (src/replay/driver.ts). */
  replayStepMinutes: number;
  /** Intake rate of the timers and of the escalations section: the escalation target compares the two at the same rate. */
  timerRatePerSecond: number;
  /** Intake seconds of the timers and of the escalations section. */
  timerIntakeSeconds: number;
  /** A timer workflow's delay, and the tickets' SLA response target in the escalations section. */
  timerDelaySeconds: number;
  outputDirectory: string;
  cpuProfile: boolean;
}

/** The counts that `--quick` lowers. */
type CountOptions = Pick<
  BenchOptions,
  | 'concurrency'
  | 'baselineCount'
  | 'lifecycleCount'
  | 'latencySamples'
  | 'latencyLanes'
  | 'memoryTickets'
  | 'replayLimit'
  | 'timerRatePerSecond'
  | 'timerIntakeSeconds'
  | 'timerDelaySeconds'
>;

/** Counts of a full run, sized to finish within about ten minutes on two busy cores. */
export const defaultCounts: CountOptions = {
  concurrency: 50,
  baselineCount: 500,
  lifecycleCount: 300,
  latencySamples: 300,
  latencyLanes: 4,
  memoryTickets: 1000,
  replayLimit: 300,
  timerRatePerSecond: 20,
  timerIntakeSeconds: 20,
  timerDelaySeconds: 5,
};

/** Counts of `--quick`: a smoke run of every measurement in a few minutes, whose figures are too small to judge. */
export const quickCounts: CountOptions = {
  concurrency: 20,
  baselineCount: 100,
  lifecycleCount: 40,
  latencySamples: 40,
  latencyLanes: 2,
  memoryTickets: 200,
  replayLimit: 30,
  timerRatePerSecond: 10,
  timerIntakeSeconds: 5,
  timerDelaySeconds: 2,
};

/** Returns the path of the BPI Challenge 2013 log in the data sets folder: SUNDESK_DATASETS_DIR, or `shared/datasets` beside the repository. */
function defaultReplayLogPath(): string {
  const repositoryRoot = path.resolve(__dirname, '..', '..');
  const datasetsDirectory = process.env.SUNDESK_DATASETS_DIR ?? path.resolve(repositoryRoot, '..', 'shared', 'datasets');
  return path.join(datasetsDirectory, 'bpic2013-incidents.csv.gz');
}

// Commander prints the flag and the value before these messages. Only decimal notation is accepted, so `1e2` and `0x10` are rejected.
function positiveInteger(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^[0-9]+$/.test(value) || number < 1) {
      throw new InvalidArgumentError(`Use a whole number of at least 1 for ${flag}.`);
    }
    if (!Number.isSafeInteger(number)) {
      throw new InvalidArgumentError(`Use a whole number of at most ${Number.MAX_SAFE_INTEGER} for ${flag}.`);
    }
    return number;
  };
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || number <= 0) {
      throw new InvalidArgumentError(`Use a number greater than 0 for ${flag}, such as 2 or 0.5.`);
    }
    return number;
  };
}

function replayLimit(value: string): number | 'all' {
  if (value === 'all') {
    return 'all';
  }
  try {
    return positiveInteger('--replay-limit')(value);
  } catch {
    throw new InvalidArgumentError(`Use 'all' or a whole number from 1 to ${Number.MAX_SAFE_INTEGER} for --replay-limit.`);
  }
}

function sectionList(value: string): BenchSection[] {
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(benchSections as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    const unknownSentence = unknown.length > 0 ? `Unknown section ${unknown.map((name) => `'${name}'`).join(', ')}. ` : '';
    throw new InvalidArgumentError(`${unknownSentence}Use a comma-separated list of ${benchSections.join(', ')} for --sections.`);
  }
  return benchSections.filter((section) => names.includes(section));
}

/**
 * Parses the command line of `npm run bench` (without the node and script arguments).
 *
 * @throws Error from commander, printed with the usage, for an invalid flag or value.
 * @example
 *   parseBenchOptions(['--quick', '--sections', 'baseline,lifecycle']);
 */
export function parseBenchOptions(commandArguments: readonly string[]): BenchOptions {
  const program = new Command('npm run bench --')
    .description('Measure ticket throughput, latency, history size, memory, replay speed, and timer and SLA escalation precision next to bare Temporal workflows, on servers that the benchmark starts on 127.0.0.1.')
    .option('--quick', 'small counts for a smoke run of a few minutes; its figures are too small to judge targets by')
    .option('--sections <list>', `comma-separated measurements to run (default: all of ${benchSections.join(',')})`, sectionList)
    .option('--concurrency <count>', `client calls in flight in the throughput measurements (default ${defaultCounts.concurrency}, quick ${quickCounts.concurrency})`, positiveInteger('--concurrency'))
    .option('--baseline-count <count>', `bare workflows in the baseline (default ${defaultCounts.baselineCount}, quick ${quickCounts.baselineCount})`, positiveInteger('--baseline-count'))
    .option('--lifecycle-count <count>', `tickets through the whole lifecycle (default ${defaultCounts.lifecycleCount}, quick ${quickCounts.lifecycleCount})`, positiveInteger('--lifecycle-count'))
    .option('--latency-samples <count>', `update latency samples of each kind (default ${defaultCounts.latencySamples}, quick ${quickCounts.latencySamples})`, positiveInteger('--latency-samples'))
    .option('--latency-lanes <count>', `parallel lanes that take latency samples (default ${defaultCounts.latencyLanes}, quick ${quickCounts.latencyLanes})`, positiveInteger('--latency-lanes'))
    .option('--memory-tickets <count>', `open tickets held in a fresh worker's cache for the memory reading (default ${defaultCounts.memoryTickets}, quick ${quickCounts.memoryTickets})`, positiveInteger('--memory-tickets'))
    .option('--replay-limit <count>', `incidents of the real log to replay, or 'all' for the whole log (default ${defaultCounts.replayLimit}, quick ${quickCounts.replayLimit})`, replayLimit)
    .option('--replay-step-minutes <minutes>', `widest clock step of the replay driver between two duty boundaries (default ${defaultClockStepMinutes})`, positiveInteger('--replay-step-minutes'))
    .option('--replay-log <file>', 'incident log to replay (default: bpic2013-incidents.csv.gz in SUNDESK_DATASETS_DIR, else in ../shared/datasets)')
    .option('--timer-rate <per-second>', `timer workflows started, and in the escalations section tickets opened, per second (default ${defaultCounts.timerRatePerSecond}, quick ${quickCounts.timerRatePerSecond})`, positiveNumber('--timer-rate'))
    .option('--timer-intake-seconds <seconds>', `seconds during which timer workflows start, and tickets open in the escalations section (default ${defaultCounts.timerIntakeSeconds}, quick ${quickCounts.timerIntakeSeconds})`, positiveNumber('--timer-intake-seconds'))
    .option('--timer-delay-seconds <seconds>', `seconds from a timer workflow's start to its due instant, and the tickets' SLA response target in the escalations section (default ${defaultCounts.timerDelaySeconds}, quick ${quickCounts.timerDelaySeconds})`, positiveNumber('--timer-delay-seconds'))
    .option('--output-dir <folder>', 'folder for the results file and the logs', 'bench-results')
    .option('--cpu-profile', 'write a V8 CPU profile of the first worker process (baseline to escalations) into the output folder')
    .exitOverride()
    .configureOutput({ writeOut: (text) => process.stdout.write(text), writeErr: (text) => process.stderr.write(text) });

  program.parse(commandArguments, { from: 'user' });
  const flags = program.opts<{
    quick?: boolean;
    sections?: BenchSection[];
    concurrency?: number;
    baselineCount?: number;
    lifecycleCount?: number;
    latencySamples?: number;
    latencyLanes?: number;
    memoryTickets?: number;
    replayLimit?: number | 'all';
    replayLog?: string;
    replayStepMinutes?: number;
    timerRate?: number;
    timerIntakeSeconds?: number;
    timerDelaySeconds?: number;
    outputDir: string;
    cpuProfile?: boolean;
  }>();

  const counts = flags.quick ? quickCounts : defaultCounts;
  return {
    quick: flags.quick ?? false,
    sections: flags.sections ?? [...benchSections],
    concurrency: flags.concurrency ?? counts.concurrency,
    baselineCount: flags.baselineCount ?? counts.baselineCount,
    lifecycleCount: flags.lifecycleCount ?? counts.lifecycleCount,
    latencySamples: flags.latencySamples ?? counts.latencySamples,
    latencyLanes: flags.latencyLanes ?? counts.latencyLanes,
    memoryTickets: flags.memoryTickets ?? counts.memoryTickets,
    replayLimit: flags.replayLimit ?? counts.replayLimit,
    replayLogPath: path.resolve(flags.replayLog ?? defaultReplayLogPath()),
    replayStepMinutes: flags.replayStepMinutes ?? defaultClockStepMinutes,
    timerRatePerSecond: flags.timerRate ?? counts.timerRatePerSecond,
    timerIntakeSeconds: flags.timerIntakeSeconds ?? counts.timerIntakeSeconds,
    timerDelaySeconds: flags.timerDelaySeconds ?? counts.timerDelaySeconds,
    outputDirectory: path.resolve(flags.outputDir),
    cpuProfile: flags.cpuProfile ?? false,
  };
}
