/**
 * `npm run bench`: measures sundesk next to bare Temporal workflows in one
 * run, on a Temporal dev server, a PostgreSQL server and Java time-skipping
 * test servers that it starts on 127.0.0.1 and stops at the end. It prints a
 * table and writes the same figures as JSON to bench-results/. Every loop is
 * bounded by a count and a time limit. docs/benchmarks.md explains the figures.
 *
 * The exit code is 0 when every measurement ran, whether or not it met its
 * target, and 1 when a measurement stopped with an error.
 */

import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { CommanderError } from 'commander';
import { Pool } from 'pg';
import type { Logger } from 'pino';

import { TicketClient } from '../src/client/ticket-client';
import { createLogger } from '../src/logging';
import { migrateToLatest } from '../src/store/migrate';
import { bundleTicketWorkflows } from '../workers/desk-workers';
import { installRuntimeLogger } from '../workers/runtime-logger';
import { measureBareLifecycle } from './bare-lifecycle';
import { measureBaseline } from './baseline';
import { createBenchDeskConfiguration, nextWholeMinute } from './bench-desks';
import type { BenchContext } from './context';
import { readCpu } from './cpu-usage';
import { createBenchStoreDatabase, describeMachine, roundToHundredths, startBenchServers, type BenchServers } from './environment';
import { measureEscalationLateness } from './escalation-lateness';
import { measureLifecycle } from './lifecycle';
import { measureWorkerMemory } from './memory';
import { parseBenchOptions, type BenchOptions, type BenchSection } from './options';
import { measureReplay, type ReplayResult } from './replay';
import { checkTargets, cpuThroughputRatio, fileTimestamp, formatResultsTable, writeResultsFile, type BenchResults } from './report';
import { measureTimerLateness } from './timer-lateness';
import { measureUpdateLatency } from './update-latency';
import { startWorkerHost, type WorkerHost } from './worker-host';
import type { BundleSource, StartWorkersMessage } from './worker-protocol';

/** Sections that run on the dev server with a worker process. */
const devServerSections: readonly BenchSection[] = ['baseline', 'lifecycle', 'latency', 'timers', 'escalations', 'memory'];
/** Workflows the memory measurement's worker keeps in its cache beyond the open tickets. */
const memoryCacheMargin = 100;

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode;
    }
    throw error;
  }

  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg().map(roundToHundredths);
  const stamp = fileTimestamp(startedAt);
  mkdirSync(options.outputDirectory, { recursive: true });
  const benchLogger = createLogger({ name: 'sundesk-bench', file: path.join(options.outputDirectory, `${stamp}-bench.log`) });
  installRuntimeLogger(benchLogger, 'WARN');

  progress(`starting a Temporal dev server and PostgreSQL on 127.0.0.1 (results and logs go to ${options.outputDirectory})`);
  const servers = await startBenchServers();
  exitOnInterrupt(() => servers.stop());
  let results: BenchResults;
  try {
    results = {
      startedAt: startedAt.toISOString(),
      finishedAt: '',
      durationSeconds: 0,
      commandArguments: process.argv.slice(2),
      options,
      machine: await describeMachine(servers.postgres.connectionString, loadAverageAtStart),
      serverStartupSeconds: servers.startupSeconds,
      workerOptions: null,
      baseline: null,
      lifecycle: null,
      bareLifecycle: null,
      updateLatency: null,
      timers: null,
      memory: null,
      replay: null,
      escalations: null,
      targets: [],
      cpuThroughputRatio: null,
      errors: [],
    };

    const database = createBenchStoreDatabase(servers.postgres.connectionString, 1, (error) => benchLogger.warn({ err: error }, 'store connection closed'));
    await migrateToLatest(database);
    await database.destroy();

    const section = sectionRunner(results, benchLogger);
    if (options.sections.some((name) => devServerSections.includes(name))) {
      await runDevServerSections(options, servers, results, section, stamp);
    }
    // The replay starts its own servers, and the idle dev server with its open tickets would only take memory.
    await servers.temporal.stop();

    if (options.sections.includes('replay')) {
      await section('replay', async () => {
        results.replay = await runReplaySection(options, servers, benchLogger, stamp);
      });
    }
  } finally {
    await servers.stop();
  }

  const finishedAt = new Date();
  results.finishedAt = finishedAt.toISOString();
  results.durationSeconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
  results.machine.loadAverageAtEnd = os.loadavg().map(roundToHundredths);
  results.targets = checkTargets(results);
  results.cpuThroughputRatio = cpuThroughputRatio(results);

  process.stdout.write(`\n${formatResultsTable(results)}`);
  const file = writeResultsFile(results, options.outputDirectory);
  process.stdout.write(`\nresults: ${file}\n`);
  return results.errors.length === 0 ? 0 : 1;
}

/**
 * Ends the run at Ctrl-C or SIGTERM with exit code 130, after stopping the
 * dev server and PostgreSQL. A terminal's Ctrl-C reaches the servers and the
 * worker process too, so the measurements after it would only record errors:
 * no table and no results file are written. The worker process exits when
 * this process ends. The replay's test servers, which the SDK starts, stop
 * with the terminal's Ctrl-C, because it reaches the whole process group.
 */
function exitOnInterrupt(stopServers: () => Promise<void>): void {
  const interrupt = (signal: NodeJS.Signals): void => {
    progress(`${signal}: interrupted; stopping the servers, no results file is written`);
    void stopServers()
      .catch((error: unknown) => progress(`stopping the servers failed: ${String(error)}`))
      .finally(() => process.exit(130));
  };

  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
}

/** Runs one measurement by name; an error is recorded in the results, logged and printed, and the next measurement still runs. */
type SectionRunner = (name: string, measure: () => Promise<void>) => Promise<void>;

function sectionRunner(results: BenchResults, logger: Logger): SectionRunner {
  return async (name, measure) => {
    try {
      await measure();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.errors.push({ section: name, message });
      logger.error({ err: error, section: name }, 'benchmark measurement failed');
      progress(`${name} failed: ${message}`);
    }
  };
}

async function runDevServerSections(options: BenchOptions, servers: BenchServers, results: BenchResults, section: SectionRunner, stamp: string): Promise<void> {
  progress('bundling the ticket workflows and the bare workflows');
  const ticketBundle: BundleSource = await bundleTicketWorkflows();
  const bareBundle: BundleSource = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: quietBundlerLogger });

  const connection = await Connection.connect({ address: servers.temporal.address });
  const client = new Client({ connection, namespace: servers.temporal.namespace });
  const store = new Pool({ connectionString: servers.postgres.connectionString, max: 8 });
  // An idle connection that the server closes must not end the run; the next query reconnects.
  store.on('error', (error) => progress(`store connection closed: ${error.message}`));
  const runId = `BENCH-${randomBytes(3).toString('hex')}`;

  const startMessage = (maxCachedWorkflows?: number): StartWorkersMessage => ({
    type: 'start',
    temporalAddress: servers.temporal.address,
    namespace: servers.temporal.namespace,
    databaseUrl: servers.postgres.connectionString,
    // Until the lifecycle measurement sets its own shift end, the first desk is on duty for the next hour.
    deskConfiguration: createBenchDeskConfiguration(nextWholeMinute(new Date(Date.now() + 60 * 60 * 1000))),
    ticketBundle,
    bareBundle,
    logFile: path.join(options.outputDirectory, `${stamp}-worker.log`),
    maxCachedWorkflows,
  });

  let host: WorkerHost | undefined;
  try {
    const profileDirectory = options.cpuProfile ? path.join(options.outputDirectory, `${stamp}-profiles`) : undefined;
    progress('starting the worker process');
    host = await startWorkerHost(startMessage(), { cpuProfileDirectory: profileDirectory });
    results.workerOptions = host.workerOptions;
    const firstHost = host;
    const context: BenchContext = {
      client,
      tickets: new TicketClient(client),
      store,
      host,
      runId,
      concurrency: options.concurrency,
      readCpu: () => readCpu(firstHost.pid),
      progress,
    };

    if (options.sections.includes('baseline')) {
      await section('baseline', async () => {
        results.baseline = await measureBaseline(context, options.baselineCount);
      });
    }
    if (options.sections.includes('lifecycle')) {
      await section('lifecycle', async () => {
        results.lifecycle = await measureLifecycle(context, options.lifecycleCount);
      });
      // Right after the tickets, so both see the same machine. A section of its own, so a failure here keeps the tickets' figures.
      await section('bare lifecycle', async () => {
        results.bareLifecycle = await measureBareLifecycle(context, options.lifecycleCount);
      });
    }
    if (options.sections.includes('latency')) {
      await section('latency', async () => {
        results.updateLatency = await measureUpdateLatency(context, options.latencySamples, options.latencyLanes);
      });
    }
    if (options.sections.includes('timers')) {
      await section('timers', async () => {
        results.timers = await measureTimerLateness(context, {
          ratePerSecond: options.timerRatePerSecond,
          intakeSeconds: options.timerIntakeSeconds,
          delaySeconds: options.timerDelaySeconds,
        });
      });
    }
    if (options.sections.includes('escalations')) {
      await section('escalations', async () => {
        // The same counts as the timers section, because its target compares the two at the same intake rate.
        results.escalations = await measureEscalationLateness(context, {
          ratePerSecond: options.timerRatePerSecond,
          intakeSeconds: options.timerIntakeSeconds,
          delaySeconds: options.timerDelaySeconds,
        });
      });
    }

    const defaultCacheSize = host.workerOptions.maxCachedWorkflows;
    await host.stop();
    host = undefined;
    if (profileDirectory !== undefined) {
      progress(`CPU profile of the worker process written to ${profileDirectory}`);
    }

    if (options.sections.includes('memory')) {
      await section('memory', async () => {
        // Each kind gets a fresh process, so no earlier work left heap behind; a larger cache only when the default is too small.
        const requiredCacheSize = options.memoryTickets + memoryCacheMargin;
        const cacheSize = defaultCacheSize >= requiredCacheSize ? undefined : requiredCacheSize;
        const memory: NonNullable<BenchResults['memory']> = { ticket: null, bare: null };
        for (const workflowKind of ['bare', 'ticket'] as const) {
          progress(`starting a fresh worker process for the memory reading of ${workflowKind} workflows`);
          const memoryHost = await startWorkerHost(startMessage(cacheSize));
          try {
            memory[workflowKind] = await measureWorkerMemory({ ...context, host: memoryHost, readCpu: () => readCpu(memoryHost.pid) }, workflowKind, options.memoryTickets);
          } finally {
            await memoryHost.stop();
          }
        }
        results.memory = memory;
      });
    }
  } finally {
    await host?.stop();
    await store.end();
    await connection.close();
  }
}

async function runReplaySection(options: BenchOptions, servers: BenchServers, benchLogger: Logger, stamp: string): Promise<ReplayResult> {
  // `sundesk replay` runs its workers in its own process, so this one does too; the bundle is built before the clock starts.
  await bundleTicketWorkflows();
  // Eight connections, as `sundesk replay` opens.
  const database = createBenchStoreDatabase(servers.postgres.connectionString, 8, (error) => benchLogger.warn({ err: error }, 'store connection closed'));
  const replayLogger = createLogger({ name: 'sundesk-bench-replay', file: path.join(options.outputDirectory, `${stamp}-replay.log`) });
  try {
    return await measureReplay({ logPath: options.replayLogPath, limit: options.replayLimit, clockStepMinutes: options.replayStepMinutes, database, logger: replayLogger, progress });
  } finally {
    await database.destroy();
  }
}

const ignore = (): void => undefined;
const quietBundlerLogger = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore, log: ignore };

// Exits explicitly, because the SDK runtime's log forwarding keeps the event loop alive.
main().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    process.stderr.write(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
