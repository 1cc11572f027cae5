/**
 * Starts and stops a real PostgreSQL server for tests and benchmarks: a
 * cluster made with initdb, listening on 127.0.0.1 only, with trust
 * authentication (so only processes on this machine can reach it).
 *
 * PostgreSQL does not permit running as root. When this process is root,
 * initdb and postgres run as the system user `postgres` (created with useradd
 * when missing), and the data folder belongs to that user.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

import {
  assertPortAvailable,
  findFreePort,
  hasExited,
  isProcessRunning,
  readCommandLine,
  readFileTail,
  readPidFile,
  sleep,
  stopChildProcess,
  stopOnProcessExit,
} from './child-process';
import { findPostgresBinaries, type PostgresBinaries } from './tools';

/** Settings of {@link startPostgresServer}; every field is optional. */
export interface PostgresServerOptions {
  /**
   * Cluster folder to use, made with initdb when it contains no cluster yet,
   * and kept by `stop()`. When absent, the server lives in a new folder under
   * the system temp folder, which `stop()` removes.
   */
  dataDirectory?: string;
  /** TCP port on 127.0.0.1, or a free port when absent. */
  port?: number;
  /**
   * Whether PostgreSQL flushes writes to disk (its `fsync` setting). Off by
   * default: a crash of the machine may then lose or corrupt data, which is
   * fine for tests and wrong for anything kept.
   */
  fsync?: boolean;
  /** Maximum time to wait until the server accepts connections (default 30 000 ms). */
  startupTimeoutMilliseconds?: number;
}

/** A running server, as returned by {@link startPostgresServer}. */
export interface PostgresServer {
  /** URL of the database `sundesk` for `pg`, e.g. "postgresql://postgres@127.0.0.1:5432/sundesk". */
  connectionString: string;
  /** Stops the server (fast shutdown, then SIGKILL after 10 s) and removes a temp folder it created. A second call waits for the first. */
  stop(): Promise<void>;
}

/** The database that sundesk uses; created on the first start of a cluster. */
export const sundeskDatabaseName = 'sundesk';

const superuserName = 'postgres';
const temporaryRootPrefix = 'sundesk-postgres-';
/** File in a temporary server's folder with the pid of the Node.js process that started it. */
const ownerPidFileName = 'owner.pid';
const defaultStartupTimeoutMilliseconds = 30_000;
const stopGracePeriodMilliseconds = 10_000;
const maxPortAttempts = 3;
/** Linux's sun_path has room for 108 bytes, including the final NUL. */
const maxUnixSocketPathLength = 107;

/** User and group that initdb and postgres run as. */
interface ServerAccount {
  uid: number;
  gid: number;
  name: string;
}

/**
 * Starts PostgreSQL on 127.0.0.1 and resolves once the database `sundesk`
 * exists. The server's log goes to `server.log` in its folder. Throws when
 * initdb fails, when the server exits or does not accept connections in time
 * (the message contains the end of its log), or when the data folder cannot
 * be used by the `postgres` user.
 *
 * @example
 * const server = await startPostgresServer();
 * const pool = new Pool({ connectionString: server.connectionString });
 * // ...
 * await pool.end();
 * await server.stop();
 */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binaries = findPostgresBinaries();
  const account = process.getuid?.() === 0 ? ensurePostgresSystemAccount() : null;

  if (options.dataDirectory === undefined) {
    await removeOrphanedTemporaryServers();
  }
  const layout = prepareLayout(options.dataDirectory, account);

  try {
    if (!existsSync(path.join(layout.dataDirectory, 'PG_VERSION'))) {
      runInitdb(binaries, layout, account);
    } else {
      assertOwnedBy(layout.dataDirectory, account);
    }

    if (options.port !== undefined) {
      await assertPortAvailable(options.port, 'PostgreSQL server');
    }
    const portIsFixed = options.port !== undefined;
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await findFreePort());
      try {
        return await startServerProcess(binaries, layout, account, port, options);
      } catch (error) {
        if (!(error instanceof PortInUseError) || portIsFixed || attempt >= maxPortAttempts) {
          throw error;
        }
      }
    }
  } catch (error) {
    if (layout.temporaryRoot !== null) {
      rmSync(layout.temporaryRoot, { recursive: true, force: true });
    }
    throw error;
  }
}

/** Folders and files of one server. */
interface ServerLayout {
  dataDirectory: string;
  /** Folder for the Unix socket, or null to listen on TCP only because the socket path would be too long. */
  socketDirectory: string | null;
  logFile: string;
  /** Temp folder that contains everything and that stop() removes, or null for a caller's data folder. */
  temporaryRoot: string | null;
}

function prepareLayout(requestedDataDirectory: string | undefined, account: ServerAccount | null): ServerLayout {
  if (requestedDataDirectory === undefined) {
    const temporaryRoot = mkdtempSync(path.join(os.tmpdir(), temporaryRootPrefix));
    writeFileSync(path.join(temporaryRoot, ownerPidFileName), `${process.pid}\n`);
    if (account !== null) {
      assertTraversableBy(temporaryRoot, account);
      chownSync(temporaryRoot, account.uid, account.gid);
    }
    return {
      dataDirectory: path.join(temporaryRoot, 'data'),
      socketDirectory: temporaryRoot,
      logFile: path.join(temporaryRoot, 'server.log'),
      temporaryRoot,
    };
  }

  const dataDirectory = path.resolve(requestedDataDirectory);
  mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
  if (account !== null) {
    assertTraversableBy(dataDirectory, account);
    if (readdirSync(dataDirectory).length === 0) {
      chownSync(dataDirectory, account.uid, account.gid);
    }
  }

  // Reserve room for "/.s.PGSQL.65535" behind the folder.
  const socketPathLength = dataDirectory.length + '/.s.PGSQL.65535'.length;
  return {
    dataDirectory,
    socketDirectory: socketPathLength <= maxUnixSocketPathLength ? dataDirectory : null,
    logFile: path.join(dataDirectory, 'server.log'),
    temporaryRoot: null,
  };
}

function runInitdb(binaries: PostgresBinaries, layout: ServerLayout, account: ServerAccount | null): void {
  const initdbArguments = [
    '--pgdata',
    layout.dataDirectory,
    '--username',
    superuserName,
    '--auth',
    'trust',
    '--encoding',
    'UTF8',
    '--locale',
    'C',
    '--no-sync',
  ];

  try {
    execFileSync(binaries.initdb, initdbArguments, {
      cwd: path.dirname(layout.dataDirectory),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(account === null ? {} : { uid: account.uid, gid: account.gid }),
    });
  } catch (error) {
    const output = processOutput(error);
    throw new Error(`initdb failed for ${layout.dataDirectory} (${binaries.initdb}):\n${output}`);
  }
}

/** Raised when postgres exited because the port we picked was taken meanwhile. */
class PortInUseError extends Error {}

async function startServerProcess(
  binaries: PostgresBinaries,
  layout: ServerLayout,
  account: ServerAccount | null,
  port: number,
  options: PostgresServerOptions,
): Promise<PostgresServer> {
  const child = spawnPostgres(binaries, layout, account, port, options.fsync ?? false);
  const removeExitHook = stopOnProcessExit(child, 'SIGQUIT');

  const stopProcess = async (): Promise<void> => {
    // SIGINT is PostgreSQL's "fast" shutdown: it ends open sessions and writes a checkpoint.
    await stopChildProcess(child, { signal: 'SIGINT', gracePeriodMilliseconds: stopGracePeriodMilliseconds });
    removeExitHook();
  };

  try {
    await waitUntilAcceptingConnections(child, port, layout, options);
    await createSundeskDatabase(port);
  } catch (error) {
    await stopProcess();
    throw error;
  }

  let stopped: Promise<void> | null = null;
  return {
    connectionString: `postgresql://${superuserName}@127.0.0.1:${port}/${sundeskDatabaseName}`,
    stop: async () => {
      stopped ??= stopProcess().then(() => {
        if (layout.temporaryRoot !== null) {
          rmSync(layout.temporaryRoot, { recursive: true, force: true });
        }
      });
      await stopped;
    },
  };
}

function spawnPostgres(
  binaries: PostgresBinaries,
  layout: ServerLayout,
  account: ServerAccount | null,
  port: number,
  fsync: boolean,
): ChildProcess {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: layout.socketDirectory ?? '',
    fsync: fsync ? 'on' : 'off',
  };
  if (!fsync) {
    // Without fsync these only cost time: nothing survives a machine crash anyway.
    settings.synchronous_commit = 'off';
    settings.full_page_writes = 'off';
  }

  const postgresArguments = ['-D', layout.dataDirectory];
  for (const [name, value] of Object.entries(settings)) {
    postgresArguments.push('-c', `${name}=${value}`);
  }

  const logDescriptor = openSync(layout.logFile, 'a');
  try {
    return spawn(binaries.postgres, postgresArguments, {
      cwd: path.dirname(layout.dataDirectory),
      stdio: ['ignore', logDescriptor, logDescriptor],
      ...(account === null ? {} : { uid: account.uid, gid: account.gid }),
    });
  } finally {
    closeSync(logDescriptor);
  }
}

async function waitUntilAcceptingConnections(
  child: ChildProcess,
  port: number,
  layout: ServerLayout,
  options: PostgresServerOptions,
): Promise<void> {
  const timeoutMilliseconds = options.startupTimeoutMilliseconds ?? defaultStartupTimeoutMilliseconds;
  const deadline = Date.now() + timeoutMilliseconds;

  if (child.pid === undefined) {
    const spawnError = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`Could not run PostgreSQL: ${spawnError.message}`);
  }

  let lastError: unknown = null;
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw exitedDuringStartup(child, port, layout.logFile);
    }

    const client = new Client({
      host: '127.0.0.1',
      port,
      user: superuserName,
      database: 'postgres',
      connectionTimeoutMillis: 2_000,
    });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await client.end().catch(() => undefined);
    }

    await sleep(100);
  }

  const lastMessage = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(
    `PostgreSQL did not accept connections on 127.0.0.1:${port} within ${timeoutMilliseconds} ms ` +
      `(last error: ${lastMessage}). Its log is ${layout.logFile}:\n${readFileTail(layout.logFile, 20)}`,
  );
}

function exitedDuringStartup(child: ChildProcess, port: number, logFile: string): Error {
  const output = readFileTail(logFile, 20);
  const exitStatus = child.signalCode === null ? `exit code ${child.exitCode}` : `signal ${child.signalCode}`;
  const message = `PostgreSQL on 127.0.0.1:${port} exited during start-up with ${exitStatus}. Its log is ${logFile}:\n${output}`;

  if (/could not bind|address already in use/i.test(output)) {
    return new PortInUseError(message);
  }
  return new Error(message);
}

async function createSundeskDatabase(port: number): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: superuserName, database: 'postgres' });
  await client.connect();
  try {
    const existing = await client.query('select 1 from pg_database where datname = $1', [sundeskDatabaseName]);
    if (existing.rowCount === 0) {
      await client.query(`create database ${sundeskDatabaseName}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Stops and removes the temporary servers whose starting process is gone, for
 * example a test run that was killed before its teardown. A process ended by
 * a signal runs no exit hooks, so its PostgreSQL would otherwise keep running
 * and its folder would stay in the temp folder.
 */
async function removeOrphanedTemporaryServers(): Promise<void> {
  const temporaryDirectory = os.tmpdir();
  let names: string[];
  try {
    names = readdirSync(temporaryDirectory).filter((name) => name.startsWith(temporaryRootPrefix));
  } catch {
    return;
  }

  for (const name of names) {
    const root = path.join(temporaryDirectory, name);
    // A folder without the owner file is still being set up by another start, so leave it.
    const ownerPid = readPidFile(path.join(root, ownerPidFileName));
    if (ownerPid === null || isProcessRunning(ownerPid)) {
      continue;
    }

    const dataDirectory = path.join(root, 'data');
    const postmasterPid = readPidFile(path.join(dataDirectory, 'postmaster.pid'));
    if (postmasterPid !== null && isPostgresOf(postmasterPid, dataDirectory)) {
      // SIGQUIT is PostgreSQL's immediate shutdown: nothing in this cluster is worth a checkpoint.
      process.kill(postmasterPid, 'SIGQUIT');
      for (let waited = 0; waited < 50 && isProcessRunning(postmasterPid); waited++) {
        await sleep(100);
      }
    }
    rmSync(root, { recursive: true, force: true });
  }
}

/** Checks that `pid` is a postgres serving `dataDirectory`, so a reused pid is never signalled. */
function isPostgresOf(pid: number, dataDirectory: string): boolean {
  const commandLine = readCommandLine(pid);
  return commandLine !== null && path.basename(commandLine[0] ?? '') === 'postgres' && commandLine.includes(dataDirectory);
}

/** Returns the uid and gid of the `postgres` system user, creating the user when missing. */
function ensurePostgresSystemAccount(): ServerAccount {
  const existing = readAccount(superuserName);
  if (existing !== null) {
    return existing;
  }

  try {
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--home-dir', '/var/lib/postgresql', '--shell', '/usr/sbin/nologin', superuserName],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    throw new Error(
      `PostgreSQL does not permit running as root, and creating the system user ${superuserName} with useradd failed:\n` +
        `${processOutput(error)}\nCreate an unprivileged user named ${superuserName}, or run the tests as a user other than root.`,
    );
  }

  const created = readAccount(superuserName);
  if (created === null) {
    throw new Error(`useradd reported success, but the user ${superuserName} is still unknown to 'id'.`);
  }
  return created;
}

function readAccount(name: string): ServerAccount | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid, name };
  } catch {
    return null;
  }
}

/**
 * Checks that `account` may enter every folder above `directory`, because
 * the server cannot reach its data folder otherwise (a folder under /root,
 * mode 0700, is the usual case).
 */
function assertTraversableBy(directory: string, account: ServerAccount): void {
  for (let ancestor = path.dirname(directory); ; ancestor = path.dirname(ancestor)) {
    const status = statSync(ancestor);
    const traversable =
      (status.mode & 0o001) !== 0 ||
      (status.uid === account.uid && (status.mode & 0o100) !== 0) ||
      (status.gid === account.gid && (status.mode & 0o010) !== 0);

    if (!traversable) {
      const mode = (status.mode & 0o777).toString(8).padStart(4, '0');
      throw new Error(
        `PostgreSQL runs as the user ${account.name} (uid ${account.uid}) because it does not permit running as root, ` +
          `but that user cannot enter ${ancestor} (mode ${mode}, owner uid ${status.uid}), which is above ${directory}. ` +
          'Choose a data folder under a folder that every user may enter, or set TMPDIR to one such as /tmp.',
      );
    }

    if (ancestor === path.dirname(ancestor)) {
      return;
    }
  }
}

function assertOwnedBy(dataDirectory: string, account: ServerAccount | null): void {
  const ownerUid = statSync(dataDirectory).uid;
  const expectedUid = account === null ? process.getuid?.() : account.uid;
  if (expectedUid === undefined || ownerUid === expectedUid) {
    return;
  }

  const fix = account === null ? '' : ` Run 'chown -R ${account.name}: ${dataDirectory}' to hand it over.`;
  throw new Error(
    `PostgreSQL data folder ${dataDirectory} belongs to uid ${ownerUid}, but the server runs as uid ${expectedUid}.${fix}`,
  );
}

/** Returns what a failed execFileSync call wrote to stdout and stderr. */
function processOutput(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { stdout, stderr } = error as { stdout?: Buffer | string; stderr?: Buffer | string };
    const output = `${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`.trim();
    if (output !== '') {
      return output;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
