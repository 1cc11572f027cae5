/**
 * SLA policies: response and resolution targets per priority, each measured on
 * a named calendar, with escalation levels, the pending reasons that pause the
 * resolution clock, and what a reopen does to that clock. Plain data and pure
 * functions (no time-zone database), so workflow code may import them. The
 * calendar arithmetic lives in src/calendar/sla-calendar.ts.
 */

import type { Priority } from './priority';
import { pendingReasons, type PendingReason } from './ticket';

/** The two clocks of a ticket: the response clock stops at the first agent response, the resolution clock at resolution. */
export type SlaClockKind = 'response' | 'resolution';

/**
 * Calendar name that stands for the business hours of the desk that owns the
 * ticket when its clocks start. `resolveCalendarName` turns it into `desk:<id>`.
 */
export const owningDeskCalendarName = 'owning-desk';

/** A target: how many minutes of calendar time the desk has, counted on which calendar. */
export interface SlaTarget {
  /** Minutes of open calendar time, for example 240 for four hours. */
  targetMinutes: number;
  /** Calendar name: `24x7`, `follow-the-sun`, `desk:<desk id>`, `owning-desk`, or a configured calendar. */
  calendar: string;
}

/**
 * Response and resolution targets for one priority. A rule with `ticketType` or
 * `customerGroup` applies only to those tickets and wins over a rule without
 * them; see `selectSlaTargets`.
 */
export interface SlaTargetRule {
  priority: Priority;
  /** Ticket type the rule is limited to, for example `service_request`; any type when absent. */
  ticketType?: string;
  /** Customer group the rule is limited to, for example `executives`; any group when absent. */
  customerGroup?: string;
  response: SlaTarget;
  resolution: SlaTarget;
}

/** Actions of hierarchical escalation that a level triggers. */
export type EscalationAction = 'notify_assignee' | 'notify_desk_lead' | 'notify_duty_manager' | 'mark_breached' | 'notify_service_owner';

export const escalationActions: readonly EscalationAction[] = ['notify_assignee', 'notify_desk_lead', 'notify_duty_manager', 'mark_breached', 'notify_service_owner'];

/** An escalation level: when `percentOfTarget` of a clock's target has elapsed, its actions run. */
export interface EscalationLevel {
  /** Short name for the trail and notifications, for example `warning`. */
  name: string;
  /** Share of the target in percent, greater than 0; 100 is the due instant. */
  percentOfTarget: number;
  actions: EscalationAction[];
}

/**
 * Behaviour of a reopened ticket's resolution clock. `resume` continues with
 * the budget left at resolution, so the time between resolution and reopen does
 * not count. `restart` starts a full new target at the reopen.
 */
export type ReopenBehaviour = 'resume' | 'restart';

export const reopenBehaviours: readonly ReopenBehaviour[] = ['resume', 'restart'];

/**
 * Automatic functional escalation: when a ticket waits unassigned in a
 * group's queue for `notPickedUpWithinMinutes` of that group's open time, the
 * desk moves it to `toGroup`. The desk keeps ownership and stays the
 * customer's contact. The minutes count on the group's calendar
 * (`group:<id>` for a specialist group, else the owning desk's calendar), so a
 * ticket that reaches a group off duty waits for the group's next shift.
 */
export interface PickupEscalationRule {
  /** Assignment group whose queue the rule watches; every group when absent. */
  fromGroup?: string;
  /** Priorities the rule applies to; every priority when absent. */
  priorities?: Priority[];
  /** Minutes of the group's open time that a ticket may wait unassigned. */
  notPickedUpWithinMinutes: number;
  /** Assignment group that receives the ticket, usually a specialist group id such as `network-l2`. */
  toGroup: string;
  /** Support line of `toGroup`, for example `L2`. */
  supportLevel: string;
}

/** An organisation's SLA policy. */
export interface SlaPolicy {
  name: string;
  rules: SlaTargetRule[];
  /** Levels applied to both clocks, in ascending `percentOfTarget`. */
  escalationLevels: EscalationLevel[];
  /** Pending reasons that pause the resolution clock; other pending reasons let it run. */
  pausingPendingReasons: PendingReason[];
  reopenBehaviour: ReopenBehaviour;
  /** Automatic functional escalations, first match wins; none when absent. */
  pickupEscalations?: PickupEscalationRule[];
}

/** Thrown for a policy, a duration or a ticket that a policy cannot serve; the message names the value and the fix. */
export class InvalidSlaPolicyError extends Error {
  override name = 'InvalidSlaPolicyError';
}

/**
 * Escalation levels that most service desks start from: a warning at 75 % of
 * the target, the breach at 100 %, and the service owner at 150 %.
 */
export const defaultEscalationLevels: EscalationLevel[] = [
  { name: 'warning', percentOfTarget: 75, actions: ['notify_assignee', 'notify_desk_lead'] },
  { name: 'breach', percentOfTarget: 100, actions: ['notify_duty_manager', 'mark_breached'] },
  { name: 'service-owner', percentOfTarget: 150, actions: ['notify_service_owner'] },
];

/**
 * A starting policy with targets typical of ITIL service desks. These are
 * defaults that an organisation replaces with the targets of its own service
 * level agreements. They are not a standard, and ITIL prescribes no numbers.
 * P1 runs on 24x7 and P2 on the follow-the-sun coverage (the union of all
 * desks' shifts). P3 to P5 run on the business hours of the desk that owns the
 * ticket, so for example 40 hours there are five 8-hour business days.
 */
export const defaultSlaPolicy: SlaPolicy = {
  name: 'default',
  rules: [
    { priority: 1, response: { targetMinutes: 15, calendar: '24x7' }, resolution: { targetMinutes: 4 * 60, calendar: '24x7' } },
    { priority: 2, response: { targetMinutes: 30, calendar: 'follow-the-sun' }, resolution: { targetMinutes: 8 * 60, calendar: 'follow-the-sun' } },
    { priority: 3, response: { targetMinutes: 2 * 60, calendar: owningDeskCalendarName }, resolution: { targetMinutes: 24 * 60, calendar: owningDeskCalendarName } },
    { priority: 4, response: { targetMinutes: 8 * 60, calendar: owningDeskCalendarName }, resolution: { targetMinutes: 40 * 60, calendar: owningDeskCalendarName } },
    { priority: 5, response: { targetMinutes: 16 * 60, calendar: owningDeskCalendarName }, resolution: { targetMinutes: 80 * 60, calendar: owningDeskCalendarName } },
  ],
  escalationLevels: defaultEscalationLevels,
  pausingPendingReasons: ['customer', 'vendor'],
  reopenBehaviour: 'resume',
};

/** The ticket attributes that choose a target rule. */
export interface SlaTicketAttributes {
  priority: Priority;
  ticketType?: string;
  customerGroup?: string;
}

/** Ranks a rule's specificity: a customer group counts more than a ticket type. */
function specificityOf(rule: SlaTargetRule): number {
  return (rule.customerGroup === undefined ? 0 : 2) + (rule.ticketType === undefined ? 0 : 1);
}

/**
 * Chooses the rule for a ticket: among the rules of its priority whose ticket
 * type and customer group match (or are absent), the most specific one. A rule
 * for the ticket's customer group wins over one for its ticket type, and both
 * win over the priority's general rule.
 *
 * @throws InvalidSlaPolicyError when no rule matches, which `validateSlaPolicy` prevents.
 * @example
 *   selectSlaTargets(defaultSlaPolicy, { priority: 1 }).resolution; // { targetMinutes: 240, calendar: '24x7' }
 */
export function selectSlaTargets(policy: SlaPolicy, ticket: SlaTicketAttributes): SlaTargetRule {
  const matching = policy.rules.filter(
    (rule) =>
      rule.priority === ticket.priority &&
      (rule.ticketType === undefined || rule.ticketType === ticket.ticketType) &&
      (rule.customerGroup === undefined || rule.customerGroup === ticket.customerGroup),
  );

  const best = matching.reduce<SlaTargetRule | undefined>((chosen, rule) => (chosen === undefined || specificityOf(rule) > specificityOf(chosen) ? rule : chosen), undefined);
  if (best === undefined) {
    throw new InvalidSlaPolicyError(`SLA policy '${policy.name}' has no rule for priority P${ticket.priority}: add a rule with "priority": ${ticket.priority} and no ticketType or customerGroup`);
  }
  return best;
}

/**
 * Replaces `owning-desk` by the calendar of the desk that owns the ticket;
 * other names pass through unchanged.
 *
 * @example
 *   resolveCalendarName('owning-desk', 'emea'); // 'desk:emea'
 *   resolveCalendarName('24x7', 'emea');        // '24x7'
 */
export function resolveCalendarName(calendarName: string, owningDeskId: string): string {
  return calendarName === owningDeskCalendarName ? `desk:${owningDeskId}` : calendarName;
}

const durationPattern = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/**
 * Parses a target duration written as days, hours and minutes, each part
 * optional but in that order: `90m`, `4h`, `1h30m`, `3d`, `2d4h`. A day is
 * 24 hours of calendar time. So `3d` on a calendar with 8 open hours a day
 * spans nine business days, and three such days are written `24h`.
 *
 * @param label what the text is, for the error message, for example `--target`.
 * @throws InvalidSlaPolicyError naming the text when it is not such a duration or is zero.
 * @example
 *   parseTargetDuration('1h30m'); // 90
 */
export function parseTargetDuration(text: string, label = 'duration'): number {
  const match = durationPattern.exec(text.trim());
  if (match === null || text.trim() === '') {
    throw new InvalidSlaPolicyError(`invalid ${label} '${text}': use whole days, hours and minutes in that order, for example 90m, 4h, 1h30m or 3d`);
  }

  const [, days, hours, minutes] = match;
  const targetMinutes = Number(days ?? 0) * 24 * 60 + Number(hours ?? 0) * 60 + Number(minutes ?? 0);
  if (targetMinutes === 0) {
    throw new InvalidSlaPolicyError(`invalid ${label} '${text}': a target must be longer than zero minutes`);
  }
  return targetMinutes;
}

/**
 * Formats minutes as days, hours and minutes, the form `parseTargetDuration`
 * reads. Fractions of a minute are shown as seconds.
 *
 * @example
 *   formatTargetDuration(1530); // '1d1h30m'
 */
export function formatTargetDuration(totalMinutes: number): string {
  const sign = totalMinutes < 0 ? '-' : '';
  const totalSeconds = Math.round(Math.abs(totalMinutes) * 60);
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;

  const parts = [days > 0 ? `${days}d` : '', hours > 0 ? `${hours}h` : '', minutes > 0 ? `${minutes}m` : '', seconds > 0 ? `${seconds}s` : ''].join('');
  return parts === '' ? '0m' : `${sign}${parts}`;
}

function policyError(path: string, value: unknown, fix: string): InvalidSlaPolicyError {
  return new InvalidSlaPolicyError(`invalid SLA policy value at ${path}: ${JSON.stringify(value)}; ${fix}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateTarget(value: unknown, path: string): SlaTarget {
  if (!isRecord(value)) {
    throw policyError(path, value, 'expected an object such as { "targetMinutes": 240, "calendar": "24x7" }');
  }
  const { targetMinutes, calendar } = value;
  if (typeof targetMinutes !== 'number' || !Number.isFinite(targetMinutes) || targetMinutes <= 0) {
    throw policyError(`${path}.targetMinutes`, targetMinutes, 'use a number of minutes greater than 0');
  }
  if (typeof calendar !== 'string' || calendar.trim() === '') {
    throw policyError(`${path}.calendar`, calendar, `use a calendar name such as 24x7, follow-the-sun, desk:<desk id> or ${owningDeskCalendarName}`);
  }
  return { targetMinutes, calendar };
}

function validateRule(value: unknown, path: string): SlaTargetRule {
  if (!isRecord(value)) {
    throw policyError(path, value, 'expected an object with priority, response and resolution');
  }
  const { priority, ticketType, customerGroup } = value;
  if (![1, 2, 3, 4, 5].includes(priority as number)) {
    throw policyError(`${path}.priority`, priority, 'use a whole number from 1 to 5');
  }
  if (ticketType !== undefined && (typeof ticketType !== 'string' || ticketType === '')) {
    throw policyError(`${path}.ticketType`, ticketType, 'use a ticket type such as "incident", or leave it out');
  }
  if (customerGroup !== undefined && (typeof customerGroup !== 'string' || customerGroup === '')) {
    throw policyError(`${path}.customerGroup`, customerGroup, 'use a customer group name, or leave it out');
  }

  return {
    priority: priority as Priority,
    ...(ticketType === undefined ? {} : { ticketType: ticketType as string }),
    ...(customerGroup === undefined ? {} : { customerGroup: customerGroup as string }),
    response: validateTarget(value.response, `${path}.response`),
    resolution: validateTarget(value.resolution, `${path}.resolution`),
  };
}

function validateEscalationLevel(value: unknown, path: string): EscalationLevel {
  if (!isRecord(value)) {
    throw policyError(path, value, 'expected an object with name, percentOfTarget and actions');
  }
  const { name, percentOfTarget, actions } = value;
  if (typeof name !== 'string' || name === '') {
    throw policyError(`${path}.name`, name, 'use a short name such as "warning"');
  }
  if (typeof percentOfTarget !== 'number' || !Number.isFinite(percentOfTarget) || percentOfTarget <= 0) {
    throw policyError(`${path}.percentOfTarget`, percentOfTarget, 'use a percentage greater than 0, for example 75');
  }
  if (!Array.isArray(actions) || actions.some((action) => !escalationActions.includes(action as EscalationAction))) {
    throw policyError(`${path}.actions`, actions, `use a list of ${escalationActions.join(', ')}`);
  }
  return { name, percentOfTarget, actions: actions as EscalationAction[] };
}

/**
 * Checks a policy read from a configuration file and returns it typed. Every
 * priority from P1 to P5 needs a general rule (no ticket type, no customer
 * group), so every ticket finds a target. Two rules for the same priority,
 * ticket type and customer group, and two escalation levels at the same
 * percentage, are rejected. Calendar names are checked later, against the
 * calendars that exist (see src/calendar/business-calendars.ts).
 *
 * @throws InvalidSlaPolicyError naming the path of the bad value, for example `rules[2].resolution.targetMinutes`.
 * @example
 *   const policy = validateSlaPolicy(JSON.parse(readFileSync('sla-policy.json', 'utf8')));
 */
export function validateSlaPolicy(value: unknown): SlaPolicy {
  if (!isRecord(value)) {
    throw policyError('(top level)', value, 'expected an object with name, rules, escalationLevels, pausingPendingReasons and reopenBehaviour');
  }

  const { name, rules, escalationLevels, pausingPendingReasons, reopenBehaviour } = value;
  if (typeof name !== 'string' || name === '') {
    throw policyError('name', name, 'use a non-empty policy name');
  }
  if (!Array.isArray(rules)) {
    throw policyError('rules', rules, 'expected a list of target rules');
  }
  if (!Array.isArray(escalationLevels)) {
    throw policyError('escalationLevels', escalationLevels, 'expected a list of levels, for example [{ "name": "breach", "percentOfTarget": 100, "actions": ["mark_breached"] }]');
  }
  if (!Array.isArray(pausingPendingReasons) || pausingPendingReasons.some((reason) => !pendingReasons.includes(reason as PendingReason))) {
    throw policyError('pausingPendingReasons', pausingPendingReasons, `use a list of ${pendingReasons.join(', ')}`);
  }
  if (!reopenBehaviours.includes(reopenBehaviour as ReopenBehaviour)) {
    throw policyError('reopenBehaviour', reopenBehaviour, `use one of ${reopenBehaviours.join(', ')}`);
  }

  const validatedRules = rules.map((rule, index) => validateRule(rule, `rules[${index}]`));
  const ruleKeys = new Set<string>();
  validatedRules.forEach((rule, index) => {
    const key = JSON.stringify([rule.priority, rule.ticketType ?? null, rule.customerGroup ?? null]);
    if (ruleKeys.has(key)) {
      throw policyError(`rules[${index}]`, rule, 'another rule has the same priority, ticketType and customerGroup; merge the two');
    }
    ruleKeys.add(key);
  });
  for (const priority of [1, 2, 3, 4, 5] as const) {
    if (!validatedRules.some((rule) => rule.priority === priority && rule.ticketType === undefined && rule.customerGroup === undefined)) {
      throw policyError('rules', `no general rule for P${priority}`, `add a rule with "priority": ${priority} and no ticketType or customerGroup`);
    }
  }

  const validatedLevels = escalationLevels.map((level, index) => validateEscalationLevel(level, `escalationLevels[${index}]`));
  const percentages = validatedLevels.map((level) => level.percentOfTarget);
  if (new Set(percentages).size !== percentages.length) {
    throw policyError('escalationLevels', percentages, 'give each level its own percentage');
  }

  const { pickupEscalations } = value;
  if (pickupEscalations !== undefined && !Array.isArray(pickupEscalations)) {
    throw policyError('pickupEscalations', pickupEscalations, 'expected a list of pickup escalation rules, or leave it out');
  }

  return {
    name,
    rules: validatedRules,
    escalationLevels: [...validatedLevels].sort((first, second) => first.percentOfTarget - second.percentOfTarget),
    pausingPendingReasons: pausingPendingReasons as PendingReason[],
    reopenBehaviour: reopenBehaviour as ReopenBehaviour,
    ...(pickupEscalations === undefined ? {} : { pickupEscalations: pickupEscalations.map((rule, index) => validatePickupEscalation(rule, `pickupEscalations[${index}]`)) }),
  };
}

function validatePickupEscalation(value: unknown, path: string): PickupEscalationRule {
  if (!isRecord(value)) {
    throw policyError(path, value, 'expected an object with notPickedUpWithinMinutes, toGroup and supportLevel');
  }
  const { fromGroup, priorities, notPickedUpWithinMinutes, toGroup, supportLevel } = value;
  if (fromGroup !== undefined && (typeof fromGroup !== 'string' || fromGroup === '')) {
    throw policyError(`${path}.fromGroup`, fromGroup, 'use an assignment group name such as "service-desk", or leave it out');
  }
  if (priorities !== undefined && (!Array.isArray(priorities) || priorities.length === 0 || priorities.some((priority) => ![1, 2, 3, 4, 5].includes(priority as number)))) {
    throw policyError(`${path}.priorities`, priorities, 'use a non-empty list of whole numbers from 1 to 5, or leave it out');
  }
  if (typeof notPickedUpWithinMinutes !== 'number' || !Number.isFinite(notPickedUpWithinMinutes) || notPickedUpWithinMinutes <= 0) {
    throw policyError(`${path}.notPickedUpWithinMinutes`, notPickedUpWithinMinutes, 'use a number of minutes greater than 0');
  }
  if (typeof toGroup !== 'string' || toGroup === '' || toGroup === fromGroup) {
    throw policyError(`${path}.toGroup`, toGroup, 'use the id of the group that receives the ticket, other than fromGroup');
  }
  if (typeof supportLevel !== 'string' || !/^L[1-3]$/.test(supportLevel)) {
    throw policyError(`${path}.supportLevel`, supportLevel, 'use L1, L2 or L3');
  }

  return {
    ...(fromGroup === undefined ? {} : { fromGroup: fromGroup as string }),
    ...(priorities === undefined ? {} : { priorities: priorities as Priority[] }),
    notPickedUpWithinMinutes,
    toGroup,
    supportLevel,
  };
}
