/**
 * The benchmark's worker process. It hosts the desk's workers (built by
 * `createDeskWorkers`, as `npm start` does), one worker for the bare
 * baseline workflows and one bare desk worker for the bare lifecycle's
 * hand-off activity, so all run under the same conditions and the
 * benchmark can read this process's memory on its own. It takes orders from
 * the benchmark over IPC (see worker-protocol.ts) and exits when the
 * benchmark disconnects.
 */

import { NativeConnection, Worker, type InjectedSinks } from '@temporalio/worker';

import { createLogger } from '../src/logging';
import type { DeskConfiguration } from '../src/domain/desks';
import { createStoreDatabase, type StoreDatabase } from '../src/store/database';
import { createDeskWorkers } from '../workers/desk-workers';
import { installRuntimeLogger } from '../workers/runtime-logger';
import { bareDeskTaskQueue, bareTaskQueue, type BareDeskActivities, type BareLifecycleSinks } from './workflows/messages';
import type { EffectiveWorkerOptions, HostRequest, StartWorkersMessage, WorkerMemory, WorkerReply } from './worker-protocol';

interface RunningWorkers {
  workers: Worker[];
  running: Promise<unknown>;
  connection: NativeConnection;
  database: StoreDatabase;
}

let deskConfiguration: DeskConfiguration | undefined;
let runningWorkers: RunningWorkers | undefined;
/** Hand-offs that bare lifecycles have recorded, which the benchmark reads over IPC instead of asking the server. */
let bareHandOffCount = 0;

const bareLifecycleSinks: InjectedSinks<BareLifecycleSinks> = {
  bareLifecycle: {
    handOffRecorded: {
      fn: () => {
        bareHandOffCount += 1;
      },
      // A workflow replayed after a cache eviction recorded its hand-off before, so it is not counted twice.
      callDuringReplay: false,
    },
  },
};

const bareDeskActivities: BareDeskActivities = {
  async acceptBareHandOff(note) {
    return { workflowId: note.workflowId, taskQueue: bareDeskTaskQueue };
  },
};

function reply(message: WorkerReply): void {
  process.send?.(message);
}

async function startWorkers(request: StartWorkersMessage): Promise<EffectiveWorkerOptions> {
  const logger = createLogger({ name: 'sundesk-bench-worker', file: request.logFile });
  installRuntimeLogger(logger, 'WARN');
  deskConfiguration = request.deskConfiguration;

  const connection = await NativeConnection.connect({ address: request.temporalAddress });
  const database = createStoreDatabase(request.databaseUrl);
  const deskWorkers = await createDeskWorkers({
    connection,
    namespace: request.namespace,
    database,
    deskConfiguration: () => deskConfiguration!,
    logger,
    workflowBundle: request.ticketBundle,
    maxCachedWorkflows: request.maxCachedWorkflows,
  });
  const bareWorker = await Worker.create({
    connection,
    namespace: request.namespace,
    taskQueue: bareTaskQueue,
    workflowBundle: request.bareBundle,
    maxCachedWorkflows: request.maxCachedWorkflows,
    sinks: bareLifecycleSinks,
  });
  // Activities only, like the desk workers that `createDeskWorkers` builds for each desk's queue.
  const bareDeskWorker = await Worker.create({
    connection,
    namespace: request.namespace,
    taskQueue: bareDeskTaskQueue,
    activities: bareDeskActivities,
  });

  const workers = [...deskWorkers, bareWorker, bareDeskWorker];
  const running = Promise.all(workers.map((worker) => worker.run())).catch((error: unknown) => {
    // A worker that stops on its own cannot be measured any more: exit, and the benchmark reports the exit.
    logger.error({ err: error }, 'benchmark worker failed');
    process.stderr.write(`benchmark worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
  runningWorkers = { workers, running, connection, database };

  // The first worker serves the ticket task queue, where the ticket workflows run.
  return effectiveOptions(deskWorkers[0]!);
}

function effectiveOptions(worker: Worker): EffectiveWorkerOptions {
  const { options } = worker;
  const slots = (supplier: { type: string; numSlots?: number }): number | null => (supplier.type === 'fixed-size' ? (supplier.numSlots ?? null) : null);

  return {
    maxCachedWorkflows: options.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: slots(options.tuner.workflowTaskSlotSupplier),
    maxConcurrentActivityTaskExecutions: slots(options.tuner.activityTaskSlotSupplier),
    maxConcurrentLocalActivityExecutions: slots(options.tuner.localActivityTaskSlotSupplier),
    reuseV8Context: options.reuseV8Context,
    workflowThreadPoolSize: options.workflowThreadPoolSize,
  };
}

/** Runs two full garbage collections of the main thread (the process runs with --expose-gc) and reads the memory figures. */
async function measureMemory(): Promise<WorkerMemory> {
  const collectGarbage = (globalThis as { gc?: () => void }).gc;
  if (collectGarbage === undefined) {
    throw new Error('garbage collection is not exposed: start the worker process with --expose-gc');
  }

  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 200));
  collectGarbage();

  const usage = process.memoryUsage();
  return { residentSetBytes: usage.rss, mainThreadHeapUsedBytes: usage.heapUsed, externalBytes: usage.external };
}

async function stopWorkers(): Promise<void> {
  if (runningWorkers === undefined) {
    return;
  }

  const { workers, running, connection, database } = runningWorkers;
  runningWorkers = undefined;
  for (const worker of workers) {
    if (worker.getState() === 'RUNNING') {
      worker.shutdown();
    }
  }
  await running;
  await database.destroy();
  await connection.close();
}

async function handle(request: HostRequest): Promise<void> {
  try {
    switch (request.type) {
      case 'start':
        reply({ type: 'started', workerOptions: await startWorkers(request) });
        return;
      case 'configure':
        deskConfiguration = request.deskConfiguration;
        reply({ type: 'configured' });
        return;
      case 'measureMemory':
        reply({ type: 'memory', memory: await measureMemory() });
        return;
      case 'countBareHandOffs':
        reply({ type: 'bareHandOffCount', count: bareHandOffCount });
        return;
      case 'stop':
        await stopWorkers();
        reply({ type: 'stopped' });
        process.disconnect?.();
        return;
    }
  } catch (error) {
    reply({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

process.on('message', (request: HostRequest) => {
  void handle(request);
});

// The benchmark ended or crashed, so no one reads this process's replies any more: stop at once.
process.on('disconnect', () => {
  void stopWorkers().finally(() => process.exit(0));
});
