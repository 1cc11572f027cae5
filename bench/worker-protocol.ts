/**
 * Messages between the benchmark and its worker process (Node.js IPC through
 * `fork`). The benchmark sends one `start`, then any number of `configure`,
 * `measureMemory` and `countBareHandOffs`, then `stop`.
 */

import type { DeskConfiguration } from '../src/domain/desks';

/** A workflow bundle as `bundleWorkflowCode` returns it. */
export interface BundleSource {
  code: string;
  sourceMap: string;
}

export interface StartWorkersMessage {
  type: 'start';
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  deskConfiguration: DeskConfiguration;
  ticketBundle: BundleSource;
  bareBundle: BundleSource;
  /** File for the workers' JSON log lines (pino, level `info` unless SUNDESK_LOG_LEVEL sets another). */
  logFile: string;
  /** Workflows each worker keeps in its cache; the SDK's default when absent. */
  maxCachedWorkflows?: number;
}

export interface ConfigureDesksMessage {
  type: 'configure';
  deskConfiguration: DeskConfiguration;
}

export interface MeasureMemoryMessage {
  type: 'measureMemory';
}

/** Asks how many hand-offs bare lifecycles have recorded in this worker process since it started. */
export interface CountBareHandOffsMessage {
  type: 'countBareHandOffs';
}

export interface StopWorkersMessage {
  type: 'stop';
}

export type HostRequest = StartWorkersMessage | ConfigureDesksMessage | MeasureMemoryMessage | CountBareHandOffsMessage | StopWorkersMessage;

/**
 * Memory of the worker process after two full garbage collections of its main
 * thread. The workflows run in a worker thread whose heap the resident set
 * includes but those collections do not reach.
 */
export interface WorkerMemory {
  residentSetBytes: number;
  /** Heap of the main thread (activities, client buffers), not of the workflow thread. */
  mainThreadHeapUsedBytes: number;
  externalBytes: number;
}

/** Worker options in force, as the SDK resolved them. */
export interface EffectiveWorkerOptions {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number | null;
  maxConcurrentActivityTaskExecutions: number | null;
  maxConcurrentLocalActivityExecutions: number | null;
  reuseV8Context: boolean;
  workflowThreadPoolSize: number;
}

export type WorkerReply =
  | { type: 'started'; workerOptions: EffectiveWorkerOptions }
  | { type: 'configured' }
  | { type: 'memory'; memory: WorkerMemory }
  | { type: 'bareHandOffCount'; count: number }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };
