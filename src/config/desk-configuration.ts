/**
 * Desk configuration files (YAML or JSON). Loading reports every bad value
 * with its file, line and path. A source re-reads the file when it changes,
 * so running tickets use a new configuration at their next routing decision
 * without a worker restart.
 */

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import type { Logger } from 'pino';
import { LineCounter, parseDocument, type Document } from 'yaml';

import type { DeskConfiguration } from '../domain/desks';
import { formatConfigurationPath, validateDeskConfiguration, type ConfigurationPath, type DeskConfigurationIssue } from './desk-configuration-schema';

export { formatConfigurationPath, validateDeskConfiguration, type ConfigurationPath, type DeskConfigurationIssue } from './desk-configuration-schema';

/** An issue with its place in the file, where the parser could find it. */
export interface LocatedDeskConfigurationIssue extends DeskConfigurationIssue {
  /** 1-based line of the bad value (or of its nearest enclosing value). */
  line?: number;
  /** 1-based column of that value. */
  column?: number;
}

/**
 * Thrown when a desk configuration file cannot be read, parsed or validated.
 * The message lists every issue as `file:line:column: path: message`.
 */
export class DeskConfigurationError extends Error {
  override name = 'DeskConfigurationError';

  constructor(
    readonly file: string,
    readonly issues: LocatedDeskConfigurationIssue[],
  ) {
    super(`desk configuration ${file} is invalid (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${issues.map((issue) => `  ${formatIssue(file, issue)}`).join('\n')}`);
  }
}

/**
 * Formats one issue as `file:line:column: path: message`, the form that
 * editors and terminals turn into a link to the line.
 *
 * @example
 *   formatIssue('desks.yaml', { path: ['desks', 0, 'timeZone'], message: "unknown time zone 'Europe/Warsav'", line: 7, column: 15 });
 *   // "desks.yaml:7:15: desks[0].timeZone: unknown time zone 'Europe/Warsav'"
 */
export function formatIssue(file: string, issue: LocatedDeskConfigurationIssue): string {
  const place = issue.line === undefined ? file : `${file}:${issue.line}:${issue.column ?? 1}`;
  return `${place}: ${formatConfigurationPath(issue.path)}: ${issue.message}`;
}

/** File format, from the file name: `.json` is JSON, anything else YAML. */
export type DeskConfigurationFormat = 'yaml' | 'json';

function formatOf(fileName: string): DeskConfigurationFormat {
  return path.extname(fileName).toLowerCase() === '.json' ? 'json' : 'yaml';
}

/** Finds the line and column of the value at `configurationPath`, or of its nearest enclosing value. */
function locate(document: Document, lineCounter: LineCounter, configurationPath: ConfigurationPath): { line?: number; column?: number } {
  for (let length = configurationPath.length; length >= 0; length -= 1) {
    const node = length === 0 ? document.contents : document.getIn(configurationPath.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) {
      const position = lineCounter.linePos(range[0]);
      return { line: position.line, column: position.col };
    }
  }

  return {};
}

/** Returns the first line of a yaml parser message, without the location that the issue carries anyway. */
function parserMessage(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/** Line and column of a character offset, for JSON.parse messages that give a position. */
function linePosition(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function parseJson(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const place = position === null ? {} : linePosition(text, Number(position[1]));
    throw new DeskConfigurationError(fileName, [{ path: [], message: `invalid JSON: ${message}`, ...place }]);
  }
}

/**
 * Parses and validates the text of a desk configuration file.
 *
 * @throws DeskConfigurationError listing every syntax or validation issue.
 * @example
 *   const configuration = parseDeskConfiguration('desks: []\n', { fileName: 'desks.yaml' }); // throws: no desks
 */
export function parseDeskConfiguration(text: string, options: { fileName: string; format?: DeskConfigurationFormat }): DeskConfiguration {
  const format = options.format ?? formatOf(options.fileName);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });

  let value: unknown;
  if (format === 'json') {
    value = parseJson(text, options.fileName);
  } else {
    if (document.errors.length > 0) {
      throw new DeskConfigurationError(
        options.fileName,
        document.errors.map((error) => ({ path: [], message: `invalid YAML: ${parserMessage(error.message)}`, line: error.linePos?.[0].line, column: error.linePos?.[0].col })),
      );
    }
    value = document.toJS() as unknown;
  }

  const { configuration, issues } = validateDeskConfiguration(value);
  if (configuration === undefined) {
    // A JSON file is valid YAML in nearly every case, so the YAML document can still locate its values.
    const locatable = document.errors.length === 0;
    const located: LocatedDeskConfigurationIssue[] = issues.map((issue) => ({ ...issue, ...(locatable ? locate(document, lineCounter, issue.path) : {}) }));

    // In file order, so that they can be fixed from the top down.
    located.sort((left, right) => (left.line ?? Number.MAX_SAFE_INTEGER) - (right.line ?? Number.MAX_SAFE_INTEGER) || (left.column ?? 0) - (right.column ?? 0));
    throw new DeskConfigurationError(options.fileName, located);
  }

  return configuration;
}

/**
 * Reads, parses and validates a desk configuration file (YAML, or JSON when
 * the name ends in `.json`).
 *
 * @throws DeskConfigurationError when the file is missing, unreadable or invalid.
 * @example
 *   const configuration = loadDeskConfiguration('examples/desks/global-follow-the-sun.yaml');
 */
export function loadDeskConfiguration(file: string): DeskConfiguration {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read the file: ${(error as Error).message}`;
    throw new DeskConfigurationError(file, [{ path: [], message: `${reason}: pass the path of a YAML or JSON desk configuration, for example examples/desks/global-follow-the-sun.yaml` }]);
  }

  return parseDeskConfiguration(text, { fileName: file });
}

/** Returns a key that changes with every version of the file on disk. */
function fileVersion(file: string): string {
  const stats = statSync(file);
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

/**
 * A desk configuration file that is re-read when it changes. Every call of
 * `current()` compares the file's inode, size and modification time with the
 * loaded version, so a changed file takes effect at the next routing decision.
 * A changed file that is invalid or unreadable is logged once per version and
 * ignored: the last valid configuration stays in force, so a typo never stops
 * routing.
 *
 * NOTE: two writes within the file system's timestamp resolution that keep
 * the size go unnoticed until the next change.
 *
 * @example
 *   const source = new DeskConfigurationSource('config/desks.yaml', logger);
 *   createDeskWorkers({ ..., deskConfiguration: () => source.current() });
 */
export class DeskConfigurationSource {
  private configuration: DeskConfiguration;
  private loadedVersion: string;
  private rejectedVersion: string | undefined;

  /**
   * Loads the file at once.
   *
   * @throws DeskConfigurationError when the file is missing or invalid now.
   */
  constructor(
    readonly file: string,
    private readonly logger: Logger,
  ) {
    this.loadedVersion = this.versionOrUndefined() ?? '';
    this.configuration = loadDeskConfiguration(file);
  }

  private versionOrUndefined(): string | undefined {
    try {
      return fileVersion(this.file);
    } catch {
      return undefined;
    }
  }

  /**
   * Returns the configuration in force: the file's current contents when
   * they are valid, else the last valid configuration.
   */
  current(): DeskConfiguration {
    const version = this.versionOrUndefined();
    if (version === undefined) {
      if (this.rejectedVersion !== 'missing') {
        this.rejectedVersion = 'missing';
        this.logger.error({ file: this.file }, 'desk configuration file not found; the last valid configuration stays in force');
      }
      return this.configuration;
    }
    if (version === this.loadedVersion || version === this.rejectedVersion) {
      return this.configuration;
    }

    try {
      this.configuration = loadDeskConfiguration(this.file);
      this.loadedVersion = version;
      this.rejectedVersion = undefined;
      this.logger.info({ file: this.file, desks: this.configuration.desks.map((desk) => desk.id), slaPolicy: this.configuration.slaPolicy?.name ?? null }, 'desk configuration reloaded');
    } catch (error) {
      if (!(error instanceof DeskConfigurationError)) {
        throw error;
      }
      this.rejectedVersion = version;
      this.logger.error({ file: this.file, issues: error.issues.map((issue) => formatIssue(this.file, issue)) }, 'changed desk configuration is invalid; the last valid configuration stays in force');
    }

    return this.configuration;
  }
}
