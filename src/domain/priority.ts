/**
 * Priority from impact and urgency through a matrix, as ITIL describes it.
 * Plain data and pure functions, so workflow code may use them.
 */

export type Impact = 'low' | 'medium' | 'high' | 'major';
export type Urgency = 'low' | 'medium' | 'high';

/** 1 is the most urgent priority (P1), 5 the least (P5). */
export type Priority = 1 | 2 | 3 | 4 | 5;

export const impacts: readonly Impact[] = ['low', 'medium', 'high', 'major'];
export const urgencies: readonly Urgency[] = ['low', 'medium', 'high'];

/** Rows are impacts, columns urgencies. */
export type PriorityMatrix = Record<Impact, Record<Urgency, Priority>>;

/**
 * The default matrix: the common 3x3 ITIL matrix (high/medium/low impact and
 * urgency to P1..P5), extended with a `major` impact row for organisation-wide
 * outages, which is P1 unless urgency is low.
 */
export const defaultPriorityMatrix: PriorityMatrix = {
  major: { high: 1, medium: 1, low: 2 },
  high: { high: 1, medium: 2, low: 3 },
  medium: { high: 2, medium: 3, low: 4 },
  low: { high: 3, medium: 4, low: 5 },
};

/** Thrown for an impact or urgency that the matrix does not know. */
export class InvalidPriorityInputError extends Error {
  override name = 'InvalidPriorityInputError';
}

/**
 * Computes the priority of a ticket from its impact and urgency.
 *
 * @throws InvalidPriorityInputError when either value is outside the matrix.
 * @example
 *   computePriority('high', 'medium'); // 2
 */
export function computePriority(impact: string, urgency: string, matrix: PriorityMatrix = defaultPriorityMatrix): Priority {
  const row = (matrix as Record<string, Record<string, Priority> | undefined>)[impact];
  if (row === undefined) {
    throw new InvalidPriorityInputError(
      `invalid impact '${impact}': use one of ${Object.keys(matrix).join(', ')}`,
    );
  }

  const priority = row[urgency];
  if (priority === undefined) {
    throw new InvalidPriorityInputError(
      `invalid urgency '${urgency}': use one of ${Object.keys(row).join(', ')}`,
    );
  }

  return priority;
}
