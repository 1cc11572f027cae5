/**
 * Priority from impact and urgency through a configurable matrix, as ITIL
 * describes it. Plain data and pure functions, so workflow code may use them.
 */

/** An impact level of the organisation's matrix, for example `high`. */
export type Impact = string;

/** An urgency level of the organisation's matrix, for example `medium`. */
export type Urgency = string;

/** 1 is the most urgent priority (P1), 5 the least (P5). */
export type Priority = 1 | 2 | 3 | 4 | 5;

/** Rows are impact levels, columns urgency levels, both listed from the highest down. */
export type PriorityMatrix = Record<Impact, Record<Urgency, Priority>>;

/** The default matrix: the common 3x3 ITIL matrix, high/medium/low impact and urgency to P1..P5. */
export const defaultPriorityMatrix: PriorityMatrix = {
  high: { high: 1, medium: 2, low: 3 },
  medium: { high: 2, medium: 3, low: 4 },
  low: { high: 3, medium: 4, low: 5 },
};

/**
 * A four-level impact matrix for organisations that separate company-wide
 * outages (`major`) from outages of one department (`high`). The BPI Challenge
 * 2013 log uses these four impact levels.
 */
export const fourLevelPriorityMatrix: PriorityMatrix = {
  major: { high: 1, medium: 1, low: 2 },
  high: { high: 1, medium: 2, low: 3 },
  medium: { high: 2, medium: 3, low: 4 },
  low: { high: 3, medium: 4, low: 5 },
};

/** Impact levels of a matrix, highest first. */
export function impactLevels(matrix: PriorityMatrix = defaultPriorityMatrix): string[] {
  return Object.keys(matrix);
}

/** Urgency levels of a matrix, highest first. */
export function urgencyLevels(matrix: PriorityMatrix = defaultPriorityMatrix): string[] {
  return Object.keys(Object.values(matrix)[0] ?? {});
}

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
export function computePriority(impact: unknown, urgency: unknown, matrix: PriorityMatrix = defaultPriorityMatrix): Priority {
  const row = typeof impact === 'string' && Object.hasOwn(matrix, impact) ? matrix[impact] : undefined;
  if (row === undefined) {
    throw new InvalidPriorityInputError(`invalid impact '${String(impact)}': use one of ${impactLevels(matrix).join(', ')}`);
  }

  const priority = typeof urgency === 'string' && Object.hasOwn(row, urgency) ? row[urgency] : undefined;
  if (priority === undefined) {
    throw new InvalidPriorityInputError(`invalid urgency '${String(urgency)}': use one of ${Object.keys(row).join(', ')}`);
  }

  return priority;
}

/**
 * Checks that a matrix is usable: at least one impact, the same urgency levels
 * in every row, and priorities from 1 to 5.
 *
 * @throws InvalidPriorityInputError naming the bad cell.
 * @example
 *   validatePriorityMatrix(fourLevelPriorityMatrix);
 */
export function validatePriorityMatrix(matrix: unknown): PriorityMatrix {
  if (typeof matrix !== 'object' || matrix === null || Object.keys(matrix).length === 0) {
    throw new InvalidPriorityInputError('invalid priority matrix: expected an object of impact rows, each an object of urgency to priority');
  }

  const rows = matrix as Record<string, unknown>;
  const firstUrgencies = Object.keys((Object.values(rows)[0] ?? {}) as object).join(',');
  for (const [impact, row] of Object.entries(rows)) {
    if (typeof row !== 'object' || row === null || Object.keys(row).join(',') !== firstUrgencies || firstUrgencies === '') {
      throw new InvalidPriorityInputError(`invalid priority matrix row '${impact}': every row needs the urgencies ${firstUrgencies || '(none given)'}`);
    }
    for (const [urgency, priority] of Object.entries(row as Record<string, unknown>)) {
      if (![1, 2, 3, 4, 5].includes(priority as number)) {
        throw new InvalidPriorityInputError(`invalid priority ${JSON.stringify(priority)} at ${impact}.${urgency}: use a whole number from 1 to 5`);
      }
    }
  }

  return matrix as PriorityMatrix;
}
