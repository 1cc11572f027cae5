/**
 * The benchmark's side of its worker process (worker-process.ts): starts it,
 * sends it requests one at a time and waits for each reply.
 */

import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import type { DeskConfiguration } from '../src/domain/desks';
import type { EffectiveWorkerOptions, HostRequest, StartWorkersMessage, WorkerMemory, WorkerReply } from './worker-protocol';

/** Time to wait for any reply; bundles are built before the start, so even a start takes seconds. */
const replyTimeoutMilliseconds = 120_000;

/** A running worker process. */
export interface WorkerHost {
  /** Operating-system process id, for reading the process's figures from /proc. */
  pid: number;
  /** Worker options that the SDK resolved for the ticket worker. */
  workerOptions: EffectiveWorkerOptions;
  /** Replaces the desk configuration that the ticket activities read at each routing decision. */
  configure(deskConfiguration: DeskConfiguration): Promise<void>;
  /** Collects garbage in the worker process and returns its memory figures. */
  measureMemory(): Promise<WorkerMemory>;
  /** Returns how many hand-offs bare lifecycles have recorded in the worker process since it started (their `handOffRecorded` sink calls). */
  countBareHandOffs(): Promise<number>;
  /** Shuts the workers down and waits for the process to exit. */
  stop(): Promise<void>;
}

/** Options of {@link startWorkerHost} besides the start message. */
export interface WorkerHostOptions {
  /** Folder for a V8 CPU profile of the worker process (`--cpu-prof`), written when it exits. */
  cpuProfileDirectory?: string;
}

/**
 * Forks the worker process, starts its workers and resolves once they poll.
 *
 * @throws Error with the worker process's message when it fails to start, exits, or does not reply within two minutes.
 * @example
 *   const host = await startWorkerHost({ type: 'start', temporalAddress, namespace: 'default', databaseUrl, deskConfiguration, ticketBundle, bareBundle, logFile });
 *   await host.stop();
 */
export async function startWorkerHost(start: StartWorkersMessage, options: WorkerHostOptions = {}): Promise<WorkerHost> {
  const executionArguments = ['--expose-gc'];
  if (options.cpuProfileDirectory !== undefined) {
    executionArguments.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfileDirectory);
  }

  const child = fork(path.join(__dirname, 'worker-process.js'), [], { execArgv: executionArguments, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exchange = new ReplyExchange(child);

  let workerOptions: EffectiveWorkerOptions;
  try {
    const started = await exchange.request(start, 'started');
    workerOptions = started.workerOptions;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  return {
    pid: child.pid!,
    workerOptions,
    configure: async (deskConfiguration) => {
      await exchange.request({ type: 'configure', deskConfiguration }, 'configured');
    },
    measureMemory: async () => (await exchange.request({ type: 'measureMemory' }, 'memory')).memory,
    countBareHandOffs: async () => (await exchange.request({ type: 'countBareHandOffs' }, 'bareHandOffCount')).count,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await exchange.request({ type: 'stop' }, 'stopped');
      await exited;
    },
  };
}

type ReplyOf<Type extends WorkerReply['type']> = Extract<WorkerReply, { type: Type }>;

/** Pairs each request with the next reply, because the worker process replies to requests in order. */
class ReplyExchange {
  private pending: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void } | undefined;
  private exitError: Error | undefined;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: WorkerReply) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve(reply);
    });
    child.on('exit', (code, signal) => {
      this.exitError = new Error(`benchmark worker process exited (${signal === null ? `exit code ${code}` : `signal ${signal}`}); its error output is above`);
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(this.exitError);
    });
  }

  async request<Type extends WorkerReply['type']>(request: HostRequest, expectedType: Type): Promise<ReplyOf<Type>> {
    if (this.exitError !== undefined) {
      throw this.exitError;
    }
    if (this.pending !== undefined) {
      throw new Error(`benchmark worker request '${request.type}' sent while another request waits for its reply`);
    }

    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new Error(`benchmark worker did not reply to '${request.type}' within ${replyTimeoutMilliseconds / 1000} s`));
      }, replyTimeoutMilliseconds);
      this.pending = {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.child.send(request);
    });

    if (reply.type === 'failed') {
      throw new Error(`benchmark worker failed on '${request.type}': ${reply.message}`);
    }
    if (reply.type !== expectedType) {
      throw new Error(`benchmark worker replied '${reply.type}' to '${request.type}', expected '${expectedType}'`);
    }
    return reply as ReplyOf<Type>;
  }
}
