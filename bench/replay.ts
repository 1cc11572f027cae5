/**
 * Measurement 5, replay speed: the real incident log through `runReplay` on
 * the time-skipping test server, next to a bare stand-in that the same driver
 * feeds the same signals at the same instants and that fires the same timers
 * (bench/workflows/replay-stand-in.ts). A third run feeds a stand-in that also
 * runs a no-op local activity per batch of signals, where the desk runs its
 * store step: the engine's own cost of a desk that writes every message.
 *
 * Each side gets a freshly started test server, because the server keeps
 * every history in memory and a second run on the first one's server would
 * start with that load. The real side's wall time is `runReplay`'s own,
 * which includes the store's migration check, waiting for the store and the
 * report's queries, as `sundesk replay` reports it.
 */

import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';

import { exampleDeskConfiguration, ticketTaskQueue } from '../src/domain/desks';
import { driveReplay } from '../src/replay/driver';
import { readReplayLog } from '../src/replay/read-log';
import type { ReplayReport } from '../src/replay/report';
import { createTimeSkippingEnvironment, replayDutyBoundaries, runReplay } from '../src/replay/run-replay';
import type { ReplayLog } from '../src/replay/ticket-event-log';
import type { StoreDatabase } from '../src/store/database';
import { countEventTypes, eventTimeMilliseconds, fetchAllRuns, historyFetchConcurrency } from './histories';
import { runConcurrently, sleep } from './statistics';
import type { StandInActivities, StandInPlan } from './workflows/replay-stand-in';

/** Signals, timers and markers per ticket, read from the histories of one side's run (every run of a ticket that continued as new). */
export interface HistoryCounts {
  /** Workflow runs per ticket: more than 1 where tickets continued as new. */
  runsPerTicket: number;
  signalsPerTicket: number;
  timersStartedPerTicket: number;
  timersFiredPerTicket: number;
  /** Local-activity and version markers. */
  markersPerTicket: number;
  eventsPerTicket: number;
}

export interface ReplayResult {
  logPath: string;
  ticketCount: number;
  /** Incidents in the whole log. */
  ticketsInFullLog: number;
  eventsDelivered: number;
  failedDeliveries: number;
  /** Widest clock step of the driver in minutes, and the steps it took (the same on both sides). */
  clockStepMinutes: number;
  clockSteps: number;
  /** Seconds the Java test server took to accept clients, per start. */
  testServerStartupSeconds: number[];
  realSeconds: number;
  realTicketsPerSecond: number;
  realHistory: HistoryCounts;
  bareSeconds: number;
  bareTicketsPerSecond: number;
  bareHistory: HistoryCounts;
  /** Real cost per ticket divided by the bare stand-in's. */
  costRatio: number;
  /** The stand-in that also runs a no-op local activity per batch of signals. */
  steppingSeconds: number;
  steppingTicketsPerSecond: number;
  steppingHistory: HistoryCounts;
  /** Real cost per ticket divided by the stepping stand-in's: what the desk adds to the engine's cost of one local activity per batch. */
  costRatioToStepping: number;
  /** Whether every incident of the log was replayed. A part does not predict the whole, because tickets share the driver's clock steps. */
  wholeLog: boolean;
  report: ReplayReport;
}

const settleTimeoutMilliseconds = 60_000;

/**
 * Replays the first `limit` incidents of the log (every incident for `'all'`)
 * through the desk, the bare stand-in and the stepping stand-in, and compares
 * their cost.
 *
 * @example
 *   const replay = await measureReplay({ logPath, limit: 300, database, logger, progress: console.error });
 */
export async function measureReplay(options: {
  logPath: string;
  limit: number | 'all';
  /** Widest clock step of the driver, the same on both sides. */
  clockStepMinutes: number;
  database: StoreDatabase;
  logger: Logger;
  progress: (message: string) => void;
}): Promise<ReplayResult> {
  const { progress } = options;
  const fullLog = await readReplayLog(options.logPath);
  const log = options.limit === 'all' ? fullLog : await readReplayLog(options.logPath, { limit: options.limit });
  const standInBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows/replay-stand-in'), logger: quietBundlerLogger });

  progress(`replay: ${log.tickets.length} incidents through the desk on the time-skipping server`);
  const realStartupStartedAt = performance.now();
  const realEnvironment = await createTimeSkippingEnvironment();
  const testServerStartupSeconds = [(performance.now() - realStartupStartedAt) / 1000];
  let report: ReplayReport;
  let realHistories: TicketHistorySummary[];
  try {
    report = await runReplay({ log, database: options.database, logger: options.logger, environment: realEnvironment, clockStepMinutes: options.clockStepMinutes, onProgress: progressEveryTenth('desk', progress) });
    progress(`replay: reading ${log.tickets.length} ticket histories`);
    realHistories = await summarizeHistories(realEnvironment.client, log.tickets.map((ticket) => ticket.ticketId));
  } finally {
    await realEnvironment.teardown();
  }

  const standInOptions = { log, realHistories, standInBundle, clockStepMinutes: options.clockStepMinutes, progress };
  const bare = await replayThroughStandIn({ ...standInOptions, stepPerMessageBatch: false });
  const stepping = await replayThroughStandIn({ ...standInOptions, stepPerMessageBatch: true });
  testServerStartupSeconds.push(bare.testServerStartupSeconds, stepping.testServerStartupSeconds);

  const ticketCount = log.tickets.length;
  const realSeconds = report.wallTimeSeconds;
  return {
    logPath: options.logPath,
    ticketCount,
    ticketsInFullLog: fullLog.tickets.length,
    eventsDelivered: report.eventsDelivered,
    failedDeliveries: report.failedDeliveries,
    clockStepMinutes: options.clockStepMinutes,
    clockSteps: report.clockSteps,
    testServerStartupSeconds,
    realSeconds,
    realTicketsPerSecond: ticketCount / realSeconds,
    realHistory: averageCounts(realHistories),
    bareSeconds: bare.seconds,
    bareTicketsPerSecond: ticketCount / bare.seconds,
    bareHistory: averageCounts(bare.histories),
    costRatio: realSeconds / bare.seconds,
    steppingSeconds: stepping.seconds,
    steppingTicketsPerSecond: ticketCount / stepping.seconds,
    steppingHistory: averageCounts(stepping.histories),
    costRatioToStepping: realSeconds / stepping.seconds,
    wholeLog: ticketCount === fullLog.tickets.length,
    report,
  };
}

/**
 * Replays the log through the stand-in on a freshly started test server, with
 * the real tickets' fired timers as its plan, and returns the wall time from
 * the first delivery until every stand-in that the log closes has completed.
 */
async function replayThroughStandIn(options: {
  log: ReplayLog;
  realHistories: readonly TicketHistorySummary[];
  standInBundle: WorkflowBundle;
  stepPerMessageBatch: boolean;
  clockStepMinutes: number;
  progress: (message: string) => void;
}): Promise<{ seconds: number; histories: TicketHistorySummary[]; testServerStartupSeconds: number }> {
  const side = options.stepPerMessageBatch ? 'stepping stand-in' : 'bare stand-in';
  options.progress(`replay: the same incidents through the ${side}`);
  const standInLog = logForStandIn(options.log, options.realHistories, options.stepPerMessageBatch);
  const startupStartedAt = performance.now();
  const environment = await createTimeSkippingEnvironment();
  const testServerStartupSeconds = (performance.now() - startupStartedAt) / 1000;

  try {
    const activities: StandInActivities = { recordStandInStep: async () => undefined };
    const worker = await Worker.create({
      connection: environment.nativeConnection,
      namespace: environment.namespace ?? 'default',
      taskQueue: ticketTaskQueue,
      workflowBundle: options.standInBundle,
      activities,
    });
    const running = worker.run();
    let seconds: number;
    try {
      const startedAt = performance.now();
      await driveReplay({ environment, log: standInLog, clockStepMinutes: options.clockStepMinutes, dutyBoundaries: replayDutyBoundaries(exampleDeskConfiguration), onProgress: progressEveryTenth(side, options.progress) });
      await waitForClosingTickets(environment.client, standInLog);
      seconds = (performance.now() - startedAt) / 1000;
    } finally {
      worker.shutdown();
      await running;
    }

    const histories = await summarizeHistories(environment.client, standInLog.tickets.map((ticket) => ticket.ticketId));
    return { seconds, histories, testServerStartupSeconds };
  } finally {
    await environment.teardown();
  }
}

/** Returns a replay progress callback that prints a line at every tenth of the events. */
function progressEveryTenth(side: string, progress: (message: string) => void): (deliveredEvents: number, totalEvents: number) => void {
  let printedTenths = 0;
  return (deliveredEvents, totalEvents) => {
    const tenths = Math.floor((deliveredEvents / totalEvents) * 10);
    if (tenths > printedTenths) {
      printedTenths = tenths;
      progress(`replay (${side}): ${deliveredEvents} of ${totalEvents} events delivered`);
    }
  };
}

const ignore = (): void => undefined;
const quietBundlerLogger = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore, log: ignore };

interface TicketHistorySummary {
  ticketId: string;
  runCount: number;
  counts: Record<string, number>;
  eventCount: number;
  /** Milliseconds from the first run's start (the ticket's opening) to each fired timer, in every run. */
  timerFiredOffsetsMilliseconds: number[];
}

/** Fetches every run of each workflow and counts their events, signals and timers together. */
async function summarizeHistories(client: Client, workflowIds: readonly string[]): Promise<TicketHistorySummary[]> {
  const summaries: TicketHistorySummary[] = new Array<TicketHistorySummary>(workflowIds.length);
  await runConcurrently(workflowIds.length, historyFetchConcurrency, async (index) => {
    const ticketId = workflowIds[index]!;
    const runs = await fetchAllRuns(client, ticketId);
    const events = runs.flat();
    const startedAt = eventTimeMilliseconds(events[0]);
    const firedOffsets = events
      .filter((event) => event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED)
      .map((event) => eventTimeMilliseconds(event) - startedAt);

    summaries[index] = { ticketId, runCount: runs.length, counts: countEventTypes(events), eventCount: events.length, timerFiredOffsetsMilliseconds: firedOffsets };
  });
  return summaries;
}

function averageCounts(summaries: readonly TicketHistorySummary[]): HistoryCounts {
  const total = (name: string): number => summaries.reduce((sum, summary) => sum + (summary.counts[name] ?? 0), 0);
  const count = Math.max(1, summaries.length);

  return {
    runsPerTicket: summaries.reduce((sum, summary) => sum + summary.runCount, 0) / count,
    signalsPerTicket: total('WORKFLOW_EXECUTION_SIGNALED') / count,
    timersStartedPerTicket: total('TIMER_STARTED') / count,
    timersFiredPerTicket: total('TIMER_FIRED') / count,
    markersPerTicket: total('MARKER_RECORDED') / count,
    eventsPerTicket: summaries.reduce((sum, summary) => sum + summary.eventCount, 0) / count,
  };
}

/**
 * Copies the log for a stand-in: new ticket ids, and each ticket's open
 * event carries the stand-in's plan (the real ticket's fired timers, and
 * whether to step) in its note, which the driver passes on as the ticket
 * description.
 */
function logForStandIn(log: ReplayLog, realHistories: readonly TicketHistorySummary[], stepPerMessageBatch: boolean): ReplayLog {
  const offsetsByTicket = new Map(realHistories.map((summary) => [summary.ticketId, summary.timerFiredOffsetsMilliseconds]));

  return {
    ...log,
    tickets: log.tickets.map((ticket) => {
      const ticketId = `${stepPerMessageBatch ? 'STEP' : 'BARE'}-${ticket.ticketId}`;
      const plan: StandInPlan = { timerOffsetsMilliseconds: offsetsByTicket.get(ticket.ticketId) ?? [], stepPerMessageBatch };
      return {
        ...ticket,
        ticketId,
        events: ticket.events.map((event) => ({ ...event, ticketId, note: event.action === 'open' ? JSON.stringify(plan) : event.note })),
      };
    }),
  };
}

/** Waits until every stand-in whose log ends with confirm or cancel has completed, polling its status. */
async function waitForClosingTickets(client: Client, log: ReplayLog): Promise<void> {
  let waiting = log.tickets.filter((ticket) => ['confirm', 'cancel'].includes(ticket.events.at(-1)?.action ?? '')).map((ticket) => ticket.ticketId);
  const deadline = Date.now() + settleTimeoutMilliseconds;

  while (waiting.length > 0 && Date.now() < deadline) {
    const stillRunning: string[] = [];
    await runConcurrently(waiting.length, historyFetchConcurrency, async (index) => {
      const ticketId = waiting[index]!;
      const description = await client.workflow.getHandle(ticketId).describe();
      if (description.status.name === 'RUNNING') {
        stillRunning.push(ticketId);
      }
    });
    waiting = stillRunning;
    if (waiting.length > 0) {
      await sleep(250);
    }
  }
}
