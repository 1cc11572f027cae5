/**
 * Helpers for the server processes that sundesk starts as children (the
 * Temporal dev server and PostgreSQL): free loopback ports, bounded stops and
 * the tail of a log file for error messages.
 */

import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import net from 'node:net';

/**
 * Asks the kernel for a free TCP port on `host` and returns it. Another process
 * may take the port before the caller binds it, so callers that can retry
 * should do so.
 *
 * @example
 * const port = await findFreePort(); // e.g. 41873
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`Could not read the port of a listening socket on ${host}`));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * Throws when something listens on `host:port` already. The Temporal dev
 * server binds with SO_REUSEPORT, so a second instance on a taken port starts
 * without an error, and the kernel then spreads connections over both.
 * This check catches that before a start.
 *
 * @example
 * await assertPortAvailable(7233, 'Temporal dev server gRPC');
 */
export async function assertPortAvailable(port: number, purpose: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`Port ${port} on ${host} for the ${purpose} is in use. Stop the program that listens there or choose another port.`));
      } else {
        reject(new Error(`Could not check port ${port} on ${host} for the ${purpose}: ${error.message}`));
      }
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/**
 * Resolves after `milliseconds`.
 *
 * @example
 * await sleep(100);
 */
export async function sleep(milliseconds: number): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Returns whether `child` is not running: it exited, was ended by a signal,
 * or never started (spawn failed, so it has no pid).
 *
 * @example
 * if (hasExited(child)) throw new Error('server exited during start-up');
 */
export function hasExited(child: ChildProcess): boolean {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
}

/**
 * Waits until `child` exits, for at most `timeoutMilliseconds`, and returns
 * whether it exited in time.
 *
 * @example
 * const exited = await waitForExit(child, 5_000);
 */
export async function waitForExit(child: ChildProcess, timeoutMilliseconds: number): Promise<boolean> {
  if (hasExited(child)) {
    return true;
  }

  return await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMilliseconds);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** Signal and grace period of {@link stopChildProcess}. */
export interface StopChildProcessOptions {
  /** Signal that requests the program's clean shutdown, e.g. SIGTERM. */
  signal: NodeJS.Signals;
  /** Time the program gets to exit after `signal` before it gets SIGKILL. */
  gracePeriodMilliseconds: number;
}

/**
 * Stops `child`: sends `options.signal`, waits up to the grace period, then
 * sends SIGKILL and waits for the exit. Resolves at once when the child has
 * already exited.
 *
 * @example
 * await stopChildProcess(child, { signal: 'SIGTERM', gracePeriodMilliseconds: 10_000 });
 */
export async function stopChildProcess(child: ChildProcess, options: StopChildProcessOptions): Promise<void> {
  if (hasExited(child)) {
    return;
  }

  child.kill(options.signal);
  if (await waitForExit(child, options.gracePeriodMilliseconds)) {
    return;
  }

  child.kill('SIGKILL');
  await waitForExit(child, 5_000);
}

/**
 * Sends `signal` to `child` when the Node.js process exits while the child
 * still runs, so that a crashed test run or CLI does not leave a server
 * behind. Returns the function that removes this hook. A process killed with
 * SIGKILL runs no exit hooks, so its children stay.
 *
 * @example
 * const removeHook = stopOnProcessExit(child, 'SIGKILL');
 * // ... later, after a clean stop:
 * removeHook();
 */
export function stopOnProcessExit(child: ChildProcess, signal: NodeJS.Signals): () => void {
  const onExit = (): void => {
    if (!hasExited(child)) {
      child.kill(signal);
    }
  };
  process.on('exit', onExit);
  return () => {
    process.off('exit', onExit);
  };
}

/**
 * Returns the last `maxLines` lines of a text file (at most its last 64 KiB),
 * or an empty string when the file cannot be read. Meant for error messages
 * about a server that failed to start.
 *
 * @example
 * readFileTail('/tmp/postgres.log', 20);
 */
export function readFileTail(file: string, maxLines: number): string {
  const maxBytes = 64 * 1024;
  let descriptor: number | null = null;
  try {
    const size = statSync(file).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    descriptor = openSync(file, 'r');
    readSync(descriptor, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').trimEnd().split('\n');
    return lines.slice(-maxLines).join('\n');
  } catch {
    return '';
  } finally {
    if (descriptor !== null) {
      closeSync(descriptor);
    }
  }
}

/**
 * Returns whether a process with this pid exists (also one of another user).
 *
 * @example
 * isProcessRunning(process.pid); // true
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, but this user may not signal it.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Returns the positive integer at the start of a pid file's first line, or
 * null when the file is missing or contains no pid.
 *
 * @example
 * readPidFile('/tmp/sundesk-postgres-x/data/postmaster.pid'); // 4242
 */
export function readPidFile(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Returns the command line (program and arguments) of a running process from
 * Linux's /proc, or null when the process is gone or /proc is missing. Used
 * to make sure a pid from a file still belongs to the expected program before
 * signalling it, because the kernel reuses pids.
 *
 * @example
 * readCommandLine(4242); // ['/usr/lib/postgresql/15/bin/postgres', '-D', '/tmp/x/data', ...]
 */
export function readCommandLine(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0');
  } catch {
    return null;
  }
}
