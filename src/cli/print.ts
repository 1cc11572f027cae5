/** Output helpers shared by the CLI commands: JSON for scripts, aligned text for people. */

/** Writes a value as pretty JSON on standard output. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes rows as a table with a header, columns padded to their widest cell.
 *
 * @example
 *   printTable(['desk', 'on duty'], [['emea', 'yes']]);
 */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();

  process.stdout.write(`${line(header)}\n`);
  for (const row of rows) {
    process.stdout.write(`${line(row)}\n`);
  }
}

/** Writes `label: value` lines with the labels aligned. */
export function printFields(fields: Array<[string, string]>): void {
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) {
    process.stdout.write(`${`${label}:`.padEnd(width + 2)}${value}\n`);
  }
}
