/**
 * An embedded PostgreSQL for `npm start` on a machine without a database
 * server: PGlite (PostgreSQL compiled to WebAssembly, running inside this
 * Node.js process) keeps its cluster in a folder and serves the PostgreSQL
 * wire protocol on 127.0.0.1 through pglite-socket, so the same `pg` and
 * kysely code runs against it.
 *
 * Limits (PGlite 0.5, pglite-socket 0.2): all connections share one
 * PostgreSQL session and their queries run one at a time, and while one
 * connection is inside a transaction the others wait until it ends. That is
 * enough for one desk on one machine, but not for benchmarks.
 */

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

import { isProcessRunning } from './child-process';
import { sundeskDatabaseName } from './postgres-server';

/** Settings of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Folder of the PGlite cluster. An empty or missing folder gets a new cluster, and an existing cluster is reused. */
  dataDirectory: string;
  /** TCP port, or a free port when absent. */
  port?: number;
  /** Address to listen on; only loopback is allowed, because the server has no authentication. */
  host?: '127.0.0.1';
  /**
   * Maximum number of client connections at once (default 16). pglite-socket
   * accepts one by default, which a `pg` Pool exceeds.
   */
  maxConnections?: number;
}

/** A running embedded server, as returned by {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgres {
  /** URL of the database `sundesk` for `pg`, e.g. "postgresql://postgres@127.0.0.1:40123/sundesk". */
  connectionString: string;
  /** Closes the socket server and the database, which writes it to the folder. A second call waits for the first. */
  stop(): Promise<void>;
}

const defaultMaxConnections = 16;
const lockFileName = 'sundesk-embedded.pid';

/**
 * Opens (or creates) the PGlite cluster in `options.dataDirectory`, creates
 * the database `sundesk` in it on first use, and serves it on 127.0.0.1.
 * Only one process may use a folder at a time: a lock file with the owner's
 * pid guards it, and a start while another live process holds it throws.
 *
 * @example
 * const database = await startEmbeddedPostgres({ dataDirectory: 'data/postgres' });
 * const pool = new Pool({ connectionString: database.connectionString, max: 4 });
 * // ...
 * await pool.end();
 * await database.stop();
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDirectory = path.resolve(options.dataDirectory);
  mkdirSync(dataDirectory, { recursive: true });
  const releaseLock = acquireLock(dataDirectory);

  let database: PGlite;
  try {
    database = await openSundeskDatabase(dataDirectory);
  } catch (error) {
    releaseLock();
    throw error;
  }

  const socketServer = new PGLiteSocketServer({
    db: database,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? defaultMaxConnections,
  });
  try {
    await socketServer.start();
  } catch (error) {
    await database.close();
    releaseLock();
    const port = options.port ?? 0;
    throw new Error(`Embedded PostgreSQL could not listen on 127.0.0.1:${port}: ${describeError(error)}`);
  }

  // getServerConn() returns "host:port" with the port that the kernel chose for port 0.
  const serverAddress = socketServer.getServerConn();

  let stopped: Promise<void> | null = null;
  return {
    connectionString: `postgresql://postgres@${serverAddress}/${sundeskDatabaseName}`,
    stop: async () => {
      stopped ??= (async () => {
        await socketServer.stop();
        await database.close();
        releaseLock();
      })();
      await stopped;
    },
  };
}

/**
 * Opens the database `sundesk` of the cluster. PGlite serves one database
 * per instance and fails to open one that does not exist, so a new cluster
 * is first opened on its default database to create `sundesk`.
 */
async function openSundeskDatabase(dataDirectory: string): Promise<PGlite> {
  const clusterExists = existsSync(path.join(dataDirectory, 'PG_VERSION'));
  if (clusterExists) {
    try {
      return await PGlite.create(dataDirectory, { database: sundeskDatabaseName });
    } catch {
      // A cluster made by something else has no database "sundesk" yet, so create it below.
    }
  }

  let bootstrap: PGlite;
  try {
    bootstrap = await PGlite.create(dataDirectory);
  } catch (error) {
    throw new Error(
      `PGlite could not open the cluster in ${dataDirectory}: ${describeError(error)}. ` +
        'If the folder holds something other than a PGlite cluster, choose another data folder.',
    );
  }
  try {
    const existing = await bootstrap.query('select 1 from pg_database where datname = $1', [sundeskDatabaseName]);
    if (existing.rows.length === 0) {
      await bootstrap.exec(`create database ${sundeskDatabaseName}`);
    }
  } finally {
    await bootstrap.close();
  }

  return await PGlite.create(dataDirectory, { database: sundeskDatabaseName });
}

/**
 * Writes this process's pid into the folder's lock file and returns the
 * function that removes it. A lock left by a process that no longer runs is
 * taken over.
 */
function acquireLock(dataDirectory: string): () => void {
  const lockFile = path.join(dataDirectory, lockFileName);

  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if (!isErrorCode(error, 'EEXIST')) {
        throw error;
      }
    }

    const ownerPid = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
    if (ownerPid === process.pid) {
      throw new Error(
        `Embedded PostgreSQL data folder ${dataDirectory} is already open in this process. Call stop() on the first server before starting another on it.`,
      );
    }
    if (Number.isInteger(ownerPid) && isProcessRunning(ownerPid)) {
      throw new Error(
        `Embedded PostgreSQL data folder ${dataDirectory} is in use by process ${ownerPid} ` +
          `(lock file ${lockFile}). Stop that process or choose another data folder.`,
      );
    }
    rmSync(lockFile, { force: true });
  }

  throw new Error(`Could not take the lock file ${lockFile} because another process keeps creating it.`);
}

function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
