/**
 * Desk workers that follow a desk configuration that changes while they run,
 * for example a file read through a DeskConfigurationSource.
 *
 * createDeskWorkers starts one worker per desk that the configuration lists
 * at start. A desk added to the file later, or a desk given another task
 * queue, would have no worker, and a hand-off to it would wait on that task
 * queue until some worker polls it. So this set checks the configuration at
 * every ticket decision and on a timer. After a change it saves the desks to
 * the ticket store and starts a worker for each hosted desk whose task queue
 * no worker of this process polls yet. Workers of desks that the file no
 * longer lists keep running until the process stops, so a hand-off already
 * waiting on their task queue is still taken.
 */

import { Worker } from '@temporalio/worker';

import { createDeskActivities } from '../activities';
import type { DeskConfiguration, DeskDefinition } from '../src/domain/desks';
import { saveDesks } from '../src/store/ticket-store';
import { createDeskWorkers, type DeskWorkersOptions } from './desk-workers';

export interface ConfiguredDeskWorkersOptions extends DeskWorkersOptions {
  /** Interval in milliseconds between checks of the configuration, besides the checks at ticket decisions. 5,000 when absent. */
  checkIntervalMilliseconds?: number;
}

const defaultCheckIntervalMilliseconds = 5_000;

/** The running ticket and desk workers of one process. */
export class ConfiguredDeskWorkers {
  /** Rejects with the error of the first worker that fails. It never resolves. */
  readonly failure: Promise<never>;

  private readonly workers: Worker[] = [];
  private readonly runs: Array<Promise<void>> = [];
  private readonly polledTaskQueues = new Set<string>();
  private reportFailure: (error: unknown) => void = () => undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  /** The newest configuration seen. */
  private configuration: DeskConfiguration;
  /** The configuration whose desks the store has. */
  private savedConfiguration: DeskConfiguration;
  /** The configuration whose missing desks were last reported, so each version is reported once. */
  private reportedConfiguration: DeskConfiguration | undefined;
  /** Chain of pending synchronisations, each of which saves the desks and starts missing workers. */
  private synchronisation: Promise<void> = Promise.resolve();
  private synchronising = false;

  /**
   * Starts the ticket worker and the desk workers, saves the desks to the
   * ticket store, and keeps both in step with `options.deskConfiguration()`.
   * When `options.deskIds` is absent, the process hosts every desk, including
   * desks added later. Otherwise it hosts the named desks only.
   *
   * @throws Error naming an unknown desk id, or the store's error when saving the desks fails.
   * @example
   *   const source = new DeskConfigurationSource('config/desks.yaml', logger);
   *   const workers = await ConfiguredDeskWorkers.start({ connection, namespace: 'default', database, deskConfiguration: () => source.current(), logger });
   *   // ... on shutdown:
   *   await workers.stop();
   */
  static async start(options: ConfiguredDeskWorkersOptions): Promise<ConfiguredDeskWorkers> {
    const configuration = options.deskConfiguration();
    await saveDesks(options.database, configuration);

    const set = new ConfiguredDeskWorkers(options, configuration);

    // createDeskWorkers reads the configuration once to choose the desks. It
    // must see the one whose desks were saved, so that later changes are found.
    let creating = true;
    const workers = await createDeskWorkers({ ...options, deskConfiguration: () => (creating ? configuration : set.current()) });
    creating = false;

    set.begin(workers);
    return set;
  }

  private constructor(
    private readonly options: ConfiguredDeskWorkersOptions,
    configuration: DeskConfiguration,
  ) {
    this.configuration = configuration;
    this.savedConfiguration = configuration;
    this.failure = new Promise<never>((_resolve, reject) => {
      this.reportFailure = reject;
    });
    // Callers that never wait for a failure must not see an unhandled rejection; the worker's error is logged anyway.
    this.failure.catch(() => undefined);
  }

  /** Runs the first workers and starts the periodic check. */
  private begin(workers: Worker[]): void {
    for (const worker of workers) {
      this.run(worker);
    }

    this.timer = setInterval(() => this.check(), this.options.checkIntervalMilliseconds ?? defaultCheckIntervalMilliseconds);
    this.timer.unref();

    // The file may have changed while the workers were created.
    this.check();
  }

  /**
   * Returns the configuration in force. When it differs from the last one
   * seen, it also queues saving its desks and starting workers for new desk
   * task queues; {@link settled} waits for that work.
   */
  current(): DeskConfiguration {
    const configuration = this.options.deskConfiguration();
    if (configuration !== this.configuration) {
      this.configuration = configuration;
      this.synchronise();
    }

    return configuration;
  }

  /** Returns the task queues that the workers of this process poll, the ticket task queue first. */
  taskQueues(): string[] {
    return [...this.polledTaskQueues];
  }

  /** Waits until the changes seen so far are applied: desks saved and new workers running. */
  async settled(): Promise<void> {
    await this.synchronisation;
  }

  /** Stops the periodic check, shuts every worker down and waits until all have stopped. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.synchronisation;

    for (const worker of this.workers) {
      // The SDK also shuts workers down itself on SIGINT and SIGTERM.
      if (worker.getState() === 'RUNNING') {
        worker.shutdown();
      }
    }
    await Promise.all(this.runs);
  }

  private run(worker: Worker): void {
    const taskQueue = worker.options.taskQueue;
    this.workers.push(worker);
    this.polledTaskQueues.add(taskQueue);

    this.runs.push(
      worker.run().catch((error: unknown) => {
        this.options.logger.error({ error, taskQueue }, 'worker failed');
        this.reportFailure(error);
      }),
    );
  }

  /** Re-reads the configuration, and retries saving and starting workers that failed before. */
  private check(): void {
    try {
      this.current();
    } catch (error) {
      this.options.logger.error({ error }, 'reading the desk configuration failed; the last configuration stays in force');
    }

    const pending = this.savedConfiguration !== this.configuration || this.desksWithoutWorker(this.configuration).length > 0;
    if (pending && !this.synchronising) {
      this.synchronise();
    }
  }

  private synchronise(): void {
    this.synchronising = true;
    this.synchronisation = this.synchronisation
      .then(() => this.applyConfiguration(this.configuration))
      .finally(() => {
        this.synchronising = false;
      });
  }

  /** Hosted desks of the configuration whose task queue no worker of this process polls. */
  private desksWithoutWorker(configuration: DeskConfiguration): DeskDefinition[] {
    const deskIds = this.options.deskIds;
    return configuration.desks.filter((desk) => (deskIds === undefined || deskIds.includes(desk.id)) && !this.polledTaskQueues.has(desk.taskQueue));
  }

  /** Saves the desks and starts missing workers. Every failure is logged and retried at the next check, so this never rejects. */
  private async applyConfiguration(configuration: DeskConfiguration): Promise<void> {
    const logger = this.options.logger;
    const firstAttempt = this.reportedConfiguration !== configuration;
    this.reportedConfiguration = configuration;

    if (this.stopping) {
      return;
    }

    if (this.savedConfiguration !== configuration) {
      try {
        await saveDesks(this.options.database, configuration);
        this.savedConfiguration = configuration;
        logger.info({ desks: configuration.desks.map((desk) => desk.id) }, 'desks saved to the ticket store');
      } catch (error) {
        // Logged once per configuration: the timer retries every few seconds.
        if (firstAttempt) {
          logger.error({ error }, 'saving the desks to the ticket store failed; retrying at the next check');
        }
      }
    }

    for (const desk of this.desksWithoutWorker(configuration)) {
      if (this.stopping) {
        return;
      }
      try {
        const worker = await Worker.create({
          connection: this.options.connection,
          namespace: this.options.namespace,
          taskQueue: desk.taskQueue,
          activities: createDeskActivities({ deskId: desk.id, logger: logger.child({ deskId: desk.id }) }),
        });
        this.run(worker);
        logger.info({ deskId: desk.id, taskQueue: desk.taskQueue }, 'desk worker started for a changed desk configuration');
      } catch (error) {
        if (firstAttempt) {
          logger.error({ error, deskId: desk.id, taskQueue: desk.taskQueue }, 'starting the desk worker failed; retrying at the next check');
        }
      }
    }

    const missingDeskIds = (this.options.deskIds ?? []).filter((deskId) => !configuration.desks.some((desk) => desk.id === deskId));
    if (firstAttempt && missingDeskIds.length > 0) {
      logger.warn({ missingDeskIds }, 'the desk configuration no longer lists desks that this process hosts; their workers run until the process stops');
    }
  }
}
