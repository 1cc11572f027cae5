import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { validateOpenTicketInput } from '../src/client/ticket-client';
import { InvalidSettingsError, loadOrganisationSettings } from '../src/config/organisation';
import { computePriority, defaultPriorityMatrix, fourLevelPriorityMatrix, validatePriorityMatrix } from '../src/domain/priority';

const folder = mkdtempSync(path.join(tmpdir(), 'sundesk-settings-'));

function settingsFile(name: string, content: unknown): string {
  const file = path.join(folder, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('priority matrix', () => {
  test.each([
    ['high', 'high', 1],
    ['high', 'medium', 2],
    ['medium', 'medium', 3],
    ['low', 'medium', 4],
    ['low', 'low', 5],
  ] as const)('default %s impact, %s urgency is P%i', (impact, urgency, priority) => {
    expect(computePriority(impact, urgency, defaultPriorityMatrix)).toBe(priority);
  });

  test('four-level matrix knows major', () => {
    expect(computePriority('major', 'medium', fourLevelPriorityMatrix)).toBe(1);
    expect(() => computePriority('major', 'medium', defaultPriorityMatrix)).toThrow(/invalid impact 'major': use one of high, medium, low/);
  });

  test('matrix with a bad cell is rejected', () => {
    expect(() => validatePriorityMatrix({ high: { high: 1, low: 9 } })).toThrow(/invalid priority 9 at high.low/);
    expect(() => validatePriorityMatrix({ high: { high: 1 }, low: { medium: 2 } })).toThrow(/row 'low'/);
  });

  test('client checks impact against the given matrix', () => {
    const ticket = { ticketId: 'SD-1', title: 'x', description: '', customer: 'c', customerTimeZone: 'UTC', impact: 'major', urgency: 'high', actor: 'a' };
    expect(() => validateOpenTicketInput(ticket)).toThrow(/invalid impact 'major'/);
    expect(() => validateOpenTicketInput(ticket, fourLevelPriorityMatrix)).not.toThrow();
    expect(() => validateOpenTicketInput({ ...ticket, customerTimeZone: 'Mars/Olympus' }, fourLevelPriorityMatrix)).toThrow(/invalid time zone 'Mars\/Olympus'/);
  });
});

describe('organisation settings file', () => {
  test('defaults without a file', () => {
    const settings = loadOrganisationSettings('');
    expect(settings.priorityMatrix).toEqual(defaultPriorityMatrix);
    expect(settings.confirmationPolicy.autoCloseAfterBusinessDays).toBeNull();
  });

  test('reads a four-level matrix and an auto-close policy', () => {
    const file = settingsFile('good.json', { priorityMatrix: fourLevelPriorityMatrix, confirmationPolicy: { name: 'five-days', reminderAfterBusinessDays: [3, 1], autoCloseAfterBusinessDays: 5 } });
    const settings = loadOrganisationSettings(file);
    expect(settings.priorityMatrix).toEqual(fourLevelPriorityMatrix);
    expect(settings.confirmationPolicy).toEqual({ name: 'five-days', reminderAfterBusinessDays: [1, 3], autoCloseAfterBusinessDays: 5 });
  });

  test.each([
    ['not JSON', '{ nope', /cannot read settings file .*not-JSON\.json/],
    ['bad reminder days', { confirmationPolicy: { reminderAfterBusinessDays: [0] } }, /invalid confirmationPolicy.reminderAfterBusinessDays \[0\]/],
    ['bad auto-close', { confirmationPolicy: { autoCloseAfterBusinessDays: 'soon' } }, /invalid confirmationPolicy.autoCloseAfterBusinessDays "soon"/],
    ['bad matrix', { priorityMatrix: { high: { high: 7 } } }, /invalid priority 7 at high.high/],
    ['a list', [{ priorityMatrix: defaultPriorityMatrix }], /a-list\.json: expected a JSON object with the keys priorityMatrix, confirmationPolicy, notifications, found a list$/],
  ])('%s is rejected with the file named', (name, content, message) => {
    const file = settingsFile(`${name.replace(/ /g, '-')}.json`, content);
    expect(() => loadOrganisationSettings(file)).toThrow(InvalidSettingsError);
    expect(() => loadOrganisationSettings(file)).toThrow(message);
  });

  test('unknown key is rejected', () => {
    const file = settingsFile('misspelt.json', { priorityMatrx: fourLevelPriorityMatrix });

    expect(() => loadOrganisationSettings(file)).toThrow(InvalidSettingsError);
    expect(() => loadOrganisationSettings(file)).toThrow(
      `${file}: unknown key 'priorityMatrx': a settings file has only the keys priorityMatrix, confirmationPolicy, notifications; remove or rename it`,
    );
  });

  test('every unknown key is named', () => {
    const file = settingsFile('two-unknown.json', { confirmationPolicy: { reminderAfterBusinessDays: [2] }, slaPolicy: {}, theme: 'dark' });

    expect(() => loadOrganisationSettings(file)).toThrow(/unknown keys 'slaPolicy', 'theme': a settings file has only the keys priorityMatrix, confirmationPolicy, notifications; remove or rename them$/);
  });

  test('notifications key configures the webhook', () => {
    const file = settingsFile('with-notifications.json', { priorityMatrix: fourLevelPriorityMatrix, notifications: { webhook: { url: 'http://127.0.0.1:9000/hooks' } } });
    const settings = loadOrganisationSettings(file);

    expect(settings.priorityMatrix).toEqual(fourLevelPriorityMatrix);
    expect(settings.notifications.webhook?.url).toBe('http://127.0.0.1:9000/hooks');
  });

  test('bad webhook settings name the file', () => {
    const file = settingsFile('bad-webhook.json', { notifications: { webhook: { url: 'ftp://127.0.0.1/hooks' } } });

    expect(() => loadOrganisationSettings(file)).toThrow(InvalidSettingsError);
    expect(() => loadOrganisationSettings(file)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*ftp://127\\.0\\.0\\.1/hooks`));
  });
});
