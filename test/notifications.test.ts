/**
 * The notification activity against the test PostgreSQL server and a webhook
 * receiver that this file starts on 127.0.0.1. The activity function is called
 * directly, as Temporal would call it on each attempt.
 */

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Command } from 'commander';
import pino from 'pino';

import { createNotificationActivities, NotificationDeliveryError } from '../activities/notification-activities';
import { ticketCommand } from '../src/cli/commands/ticket';
import { CommandError } from '../src/cli/connections';
import { InvalidNotificationSettingsError, parseNotificationSettings, type WebhookSettings } from '../src/config/notification-settings';
import { createConfiguredNotificationChannels } from '../src/notifications/configured-channels';
import type { Notification } from '../src/notifications/notification';
import type { NotificationChannel } from '../src/notifications/notification-channel';
import { createWebhookChannel, describeWebhookUrl } from '../src/notifications/webhook-channel';
import type { StoreDatabase } from '../src/store/database';
import { listTicketNotifications } from '../src/store/notification-store';
import { createTestStore, silentLogger } from './support/desk-harness';

interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface PlannedResponse {
  status: number;
  body?: string;
  delayMilliseconds?: number;
}

/** An HTTP server on 127.0.0.1 that records each request and responds with the planned responses in turn, then with 204. */
class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly plannedResponses: PlannedResponse[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });

        const planned = this.plannedResponses.shift() ?? { status: 204 };
        const send = (): void => {
          response.writeHead(planned.status, { 'content-type': 'text/plain' });
          response.end(planned.body ?? '');
        };
        if (planned.delayMilliseconds === undefined) {
          send();
          return;
        }
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          send();
        }, planned.delayMilliseconds);
        this.timers.add(timer);
      });
    });
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hooks/sundesk`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  plan(...responses: PlannedResponse[]): void {
    this.plannedResponses.push(...responses);
  }

  reset(): void {
    this.requests.length = 0;
    this.plannedResponses.length = 0;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error === undefined ? resolve() : reject(error))));
  }
}

function notification(notificationId: string, changes: Partial<Notification> = {}): Notification {
  return {
    notificationId,
    ticketId: notificationId.split(':')[0]!,
    kind: 'sla_escalation',
    recipients: ['duty-manager', 'assignee:alice'],
    subject: `${notificationId.split(':')[0]} breached its resolution target`,
    payload: { clock: 'resolution', level: 'breach', actions: ['notify_duty_manager', 'mark_breached'] },
    createdAt: '2026-03-02T10:00:00+01:00',
    ...changes,
  };
}

async function storedRows(database: StoreDatabase, notificationId: string) {
  const notifications = await database.selectFrom('notifications').selectAll().where('id', '=', notificationId).execute();
  const deliveries = await database.selectFrom('notification_deliveries').selectAll().where('notification_id', '=', notificationId).orderBy('channel').execute();
  return { notifications, deliveries, channel: (name: string) => deliveries.find((delivery) => delivery.channel === name) };
}

describe('notification activity with outbox and webhook', () => {
  let database: StoreDatabase;
  const receiver = new WebhookReceiver();
  let webhookSettings: WebhookSettings;

  beforeAll(async () => {
    ({ database } = await createTestStore());
    await receiver.start();
    webhookSettings = { url: receiver.url, timeoutSeconds: 5, headers: { authorization: 'Bearer test-token' } };
  });

  afterAll(async () => {
    await receiver.stop();
    await database?.destroy();
  });

  beforeEach(() => receiver.reset());

  test('delivers to outbox and webhook', async () => {
    let logText = '';
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logText += chunk.toString('utf8');
        done();
      },
    });
    const logger = pino({ level: 'info' }, logDestination);
    const { deliverNotification } = createNotificationActivities({ database, channels: [createWebhookChannel(webhookSettings)], logger });

    const report = await deliverNotification(notification('SD-1:sla:resolution:breach'));

    expect(report.newlyStored).toBe(true);
    expect(report.deliveredNow).toEqual(['outbox', 'webhook']);
    expect(report.deliveries.map((delivery) => [delivery.channel, delivery.status, delivery.attempts])).toEqual([
      ['outbox', 'delivered', 1],
      ['webhook', 'delivered', 1],
    ]);

    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/sundesk');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBe('SD-1:sla:resolution:breach');
    expect(request.headers.authorization).toBe('Bearer test-token');
    expect(JSON.parse(request.body)).toEqual({ version: 1, ...notification('SD-1:sla:resolution:breach'), createdAt: '2026-03-02T09:00:00.000Z' });

    const rows = await storedRows(database, 'SD-1:sla:resolution:breach');
    expect(rows.notifications).toHaveLength(1);
    expect(rows.notifications[0]!.ticket_id).toBe('SD-1');
    expect(rows.notifications[0]!.recipients).toEqual(['duty-manager', 'assignee:alice']);
    expect(rows.notifications[0]!.created_at.toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(rows.notifications[0]!.payload).toEqual({ clock: 'resolution', level: 'breach', actions: ['notify_duty_manager', 'mark_breached'] });
    expect(rows.channel('outbox')?.status).toBe('delivered');
    expect(rows.channel('webhook')?.status).toBe('delivered');
    expect(rows.channel('webhook')?.last_error).toBeNull();
    expect(rows.channel('webhook')?.delivered_at).toBeInstanceOf(Date);

    const lines = logText.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({ ticketId: 'SD-1', notificationId: 'SD-1:sla:resolution:breach' });
      expect(line).not.toContain('test-token');
    }
  });

  test('webhook failing twice, then delivered', async () => {
    const { deliverNotification } = createNotificationActivities({ database, channels: [createWebhookChannel(webhookSettings)], logger: silentLogger });
    const input = notification('SD-2:sla:response:warning');
    receiver.plan({ status: 503, body: 'receiver is restarting' }, { status: 500 });

    const first = await deliverNotification(input).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(NotificationDeliveryError);
    expect((first as NotificationDeliveryError).failedChannels).toEqual(['webhook']);
    expect((first as Error).message).toContain(`POST ${receiver.url} returned HTTP 503 Service Unavailable: receiver is restarting`);
    const afterFirst = await storedRows(database, 'SD-2:sla:response:warning');
    expect(afterFirst.channel('webhook')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(afterFirst.channel('outbox')).toMatchObject({ status: 'delivered', attempts: 1 });
    const storedAt = afterFirst.notifications[0]!.stored_at.toISOString();

    await expect(deliverNotification(input)).rejects.toThrow(/not delivered on webhook .*returned HTTP 500 Internal Server Error/);
    const afterSecond = await storedRows(database, 'SD-2:sla:response:warning');
    expect(afterSecond.channel('webhook')).toMatchObject({ status: 'failed', attempts: 2 });
    expect(afterSecond.channel('webhook')?.last_error).toContain('HTTP 500');

    const report = await deliverNotification(input);
    expect(report.newlyStored).toBe(false);
    expect(report.deliveredNow).toEqual(['webhook']);

    const final = await storedRows(database, 'SD-2:sla:response:warning');
    expect(final.notifications).toHaveLength(1);
    expect(final.notifications[0]!.stored_at.toISOString()).toBe(storedAt);
    expect(final.channel('outbox')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(final.channel('webhook')).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(final.channel('webhook')?.last_error).toContain('HTTP 500');
    expect(receiver.requests.map((request) => request.headers['idempotency-key'])).toEqual(['SD-2:sla:response:warning', 'SD-2:sla:response:warning', 'SD-2:sla:response:warning']);
  });

  test('webhook timeout is a failure', async () => {
    const channel = createWebhookChannel({ ...webhookSettings, timeoutSeconds: 0.3 });
    const { deliverNotification } = createNotificationActivities({ database, channels: [channel], logger: silentLogger });
    receiver.plan({ status: 200, delayMilliseconds: 3_000 });

    const startedAt = Date.now();
    await expect(deliverNotification(notification('SD-3:sla:resolution:breach'))).rejects.toThrow(`not delivered on webhook (webhook: POST ${receiver.url} timed out after 0.3 s without a complete response)`);
    expect(Date.now() - startedAt).toBeLessThan(2_500);

    const rows = await storedRows(database, 'SD-3:sla:resolution:breach');
    expect(rows.channel('webhook')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(rows.channel('webhook')?.last_error).toContain('timed out after 0.3 s');
  });

  test('unreachable webhook names the cause', async () => {
    const closed = new WebhookReceiver();
    await closed.start();
    const url = closed.url;
    await closed.stop();

    const { deliverNotification } = createNotificationActivities({ database, channels: [createWebhookChannel({ ...webhookSettings, url })], logger: silentLogger });
    await expect(deliverNotification(notification('SD-4:sla:resolution:breach'))).rejects.toThrow(`POST ${url} failed: connect ECONNREFUSED`);
  });

  test('redelivery of a delivered notification', async () => {
    const { deliverNotification } = createNotificationActivities({ database, channels: [createWebhookChannel(webhookSettings)], logger: silentLogger });
    await deliverNotification(notification('SD-5:reminder:1', { kind: 'customer_reminder', recipients: ['customer:acme'] }));
    const before = await storedRows(database, 'SD-5:reminder:1');

    const again = await deliverNotification(notification('SD-5:reminder:1', { kind: 'customer_reminder', recipients: ['customer:acme'], subject: 'a different subject' }));

    expect(again.newlyStored).toBe(false);
    expect(again.deliveredNow).toEqual([]);
    expect(receiver.requests).toHaveLength(1);
    const after = await storedRows(database, 'SD-5:reminder:1');
    expect(after).toEqual(expect.objectContaining({ notifications: before.notifications, deliveries: before.deliveries }));
    expect(after.notifications[0]!.subject).toBe('SD-5 breached its resolution target');
  });

  test('webhook added later gets earlier notification', async () => {
    const outboxOnly = createNotificationActivities({ database, channels: [], logger: silentLogger });
    const first = await outboxOnly.deliverNotification(notification('SD-6:group:network-l2', { kind: 'group_escalation', recipients: ['group:network-l2'] }));
    expect(first.deliveredNow).toEqual(['outbox']);
    expect(receiver.requests).toHaveLength(0);

    const withWebhook = createNotificationActivities({ database, channels: [createWebhookChannel(webhookSettings)], logger: silentLogger });
    const second = await withWebhook.deliverNotification(notification('SD-6:group:network-l2', { kind: 'group_escalation', recipients: ['group:network-l2'] }));
    expect(second.deliveredNow).toEqual(['webhook']);
    expect(receiver.requests).toHaveLength(1);
  });

  test('one failing channel does not stop the others', async () => {
    const broken: NotificationChannel = {
      name: 'pager',
      deliver: async () => {
        throw new Error('pager gateway rejected the message');
      },
    };
    const { deliverNotification } = createNotificationActivities({ database, channels: [broken, createWebhookChannel(webhookSettings)], logger: silentLogger });

    const failure = await deliverNotification(notification('SD-7:sla:resolution:breach')).catch((error: unknown) => error);
    expect((failure as NotificationDeliveryError).failedChannels).toEqual(['pager']);
    expect((failure as Error).message).toContain('pager: pager gateway rejected the message');

    const rows = await storedRows(database, 'SD-7:sla:resolution:breach');
    expect(rows.channel('webhook')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(rows.channel('pager')).toMatchObject({ status: 'failed', attempts: 1, last_error: 'pager gateway rejected the message' });
  });

  test('cancelled activity aborts the webhook', async () => {
    const { deliverNotification } = createNotificationActivities({ database, channels: [createWebhookChannel(webhookSettings)], logger: silentLogger });
    receiver.plan({ status: 200, delayMilliseconds: 3_000 });
    const environment = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });

    const running = environment.run(deliverNotification, notification('SD-8:sla:resolution:breach'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    environment.cancel();

    await expect(running).rejects.toThrow(`POST ${receiver.url} was cancelled with the activity`);
  });

  test('invalid notification is rejected without retries', async () => {
    const { deliverNotification } = createNotificationActivities({ database, channels: [], logger: silentLogger });
    const cases: Array<[Partial<Notification> | Record<string, unknown>, RegExp]> = [
      [{ notificationId: 'SD-9 breach' }, /invalid notification notificationId "SD-9 breach": use printable ASCII without spaces/],
      [{ kind: 'fax' }, /invalid notification kind "fax": use one of sla_escalation, customer_reminder, group_escalation/],
      [{ recipients: [] }, /invalid notification recipients \[\]/],
      [{ subject: 'two\nlines' }, /invalid notification subject/],
      [{ payload: [1, 2] }, /invalid notification payload \[1,2\]/],
      [{ createdAt: '2026-03-02T10:00:00' }, /invalid notification createdAt "2026-03-02T10:00:00": use an ISO 8601 instant with an offset/],
    ];

    for (const [changes, message] of cases) {
      const failure = await deliverNotification({ ...notification('SD-9:sla:resolution:breach'), ...changes } as Notification).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).nonRetryable).toBe(true);
      expect((failure as ApplicationFailure).type).toBe('InvalidNotification');
      expect((failure as Error).message).toMatch(message);
    }
    expect(await listTicketNotifications(database, 'SD-9')).toEqual([]);
  });

  test('channel names are checked', () => {
    const named = (name: string): NotificationChannel => ({ name, deliver: async () => undefined });

    expect(() => createNotificationActivities({ database, channels: [named('outbox')], logger: silentLogger })).toThrow(/duplicate notification channel name 'outbox'/);
    expect(() => createNotificationActivities({ database, channels: [named('pager'), named('pager')], logger: silentLogger })).toThrow(/duplicate notification channel name 'pager'/);
    expect(() => createNotificationActivities({ database, channels: [named('Web Hook')], logger: silentLogger })).toThrow(/invalid notification channel name "Web Hook"/);
  });
});

describe('notification settings', () => {
  const url = 'http://127.0.0.1:9000/hooks/sundesk';

  test('none without key or variable', () => {
    expect(parseNotificationSettings(undefined, {})).toEqual({ webhook: null });
    expect(parseNotificationSettings({}, { SUNDESK_WEBHOOK_URL: '' })).toEqual({ webhook: null });
    expect(createConfiguredNotificationChannels(parseNotificationSettings(undefined, {}))).toEqual([]);
  });

  test('webhook from the file', () => {
    const settings = parseNotificationSettings({ webhook: { url, timeoutSeconds: 5, headers: { Authorization: 'Bearer abc' } } }, {});
    expect(settings).toEqual({ webhook: { url, timeoutSeconds: 5, headers: { authorization: 'Bearer abc' } } });
    expect(createConfiguredNotificationChannels(settings).map((channel) => channel.name)).toEqual(['webhook']);
  });

  test('variable overrides the url', () => {
    const fromBoth = parseNotificationSettings({ webhook: { url, timeoutSeconds: 2 } }, { SUNDESK_WEBHOOK_URL: 'https://hooks.example.test/desk' });
    expect(fromBoth.webhook).toEqual({ url: 'https://hooks.example.test/desk', timeoutSeconds: 2, headers: {} });

    const fromVariableOnly = parseNotificationSettings(undefined, { SUNDESK_WEBHOOK_URL: url });
    expect(fromVariableOnly.webhook).toEqual({ url, timeoutSeconds: 10, headers: {} });

    const urlLeftOut = parseNotificationSettings({ webhook: { timeoutSeconds: 3 } }, { SUNDESK_WEBHOOK_URL: url });
    expect(urlLeftOut.webhook?.timeoutSeconds).toBe(3);
  });

  test.each([
    ['url not http', { webhook: { url: 'ftp://127.0.0.1/hooks' } }, {}, /invalid notifications.webhook.url "ftp:\/\/127.0.0.1\/hooks": use an absolute http or https URL/],
    ['url not a URL', { webhook: { url: 'hooks/sundesk' } }, {}, /invalid notifications.webhook.url "hooks\/sundesk"/],
    ['url missing', { webhook: { timeoutSeconds: 5 } }, {}, /missing notifications.webhook.url: set it, .* or set SUNDESK_WEBHOOK_URL/],
    ['variable not a URL', undefined, { SUNDESK_WEBHOOK_URL: 'localhost:9000' }, /invalid SUNDESK_WEBHOOK_URL "localhost:9000"/],
    ['timeout zero', { webhook: { url, timeoutSeconds: 0 } }, {}, /invalid notifications.webhook.timeoutSeconds 0: use a number of seconds greater than 0/],
    ['timeout as text', { webhook: { url, timeoutSeconds: '5' } }, {}, /invalid notifications.webhook.timeoutSeconds "5"/],
    ['header not text', { webhook: { url, headers: { 'x-retries': 3 } } }, {}, /invalid value of header x-retries in notifications.webhook.headers \(a number\): use a string on one line/],
    ['header with line break', { webhook: { url, headers: { authorization: 'Bearer a\nx-evil: 1' } } }, {}, /invalid value of header authorization/],
    ['reserved header', { webhook: { url, headers: { 'Idempotency-Key': 'x' } } }, {}, /header Idempotency-Key in notifications.webhook.headers is set by sundesk itself/],
    ['bad header name', { webhook: { url, headers: { 'bad header': 'x' } } }, {}, /invalid header name "bad header"/],
    ['unknown webhook key', { webhook: { url, retries: 3 } }, {}, /unknown key notifications.webhook.retries: use only notifications.webhook.url, notifications.webhook.timeoutSeconds, notifications.webhook.headers/],
    ['unknown channel', { email: {} }, {}, /unknown key notifications.email: use only notifications.webhook/],
    ['not an object', 'webhook', {}, /invalid notifications "webhook"/],
  ])('%s is rejected', (_name, value, environment, message) => {
    expect(() => parseNotificationSettings(value, environment)).toThrow(InvalidNotificationSettingsError);
    expect(() => parseNotificationSettings(value, environment)).toThrow(message);
  });

  test('header secret stays out of errors', () => {
    expect(() => parseNotificationSettings({ webhook: { url, headers: { authorization: 'Bearer s3cret\n' } } }, {})).toThrow(expect.objectContaining({ message: expect.not.stringContaining('s3cret') }) as Error);
  });

  test('shown url hides credentials and query', () => {
    expect(describeWebhookUrl('https://user:secret@hooks.example.test/sundesk?token=abc')).toBe('https://hooks.example.test/sundesk?…');
    expect(describeWebhookUrl(url)).toBe(url);
  });
});

describe('sundesk ticket notifications', () => {
  let database: StoreDatabase;
  const dataDirectory = mkdtempSync(path.join(tmpdir(), 'sundesk-notifications-'));
  const savedEnvironment = { DATABASE_URL: process.env.DATABASE_URL, SUNDESK_DATA_DIR: process.env.SUNDESK_DATA_DIR };

  async function sundesk(...args: string[]): Promise<{ stdout: string; error: unknown }> {
    const program = new Command('sundesk').exitOverride();
    program.addCommand(ticketCommand().exitOverride());
    let stdout = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    try {
      await program.parseAsync(['node', 'sundesk', ...args]);
      return { stdout, error: undefined };
    } catch (error) {
      return { stdout, error };
    } finally {
      write.mockRestore();
    }
  }

  beforeAll(async () => {
    let databaseUrl: string;
    ({ database, databaseUrl } = await createTestStore());
    process.env.DATABASE_URL = databaseUrl;
    process.env.SUNDESK_DATA_DIR = dataDirectory;

    const failing: NotificationChannel = {
      name: 'webhook',
      deliver: async () => {
        throw new Error('POST http://127.0.0.1:9/hooks returned HTTP 502 Bad Gateway');
      },
    };
    const { deliverNotification } = createNotificationActivities({ database, channels: [failing], logger: silentLogger });
    await deliverNotification(notification('SD-20:sla:resolution:warning', { createdAt: '2026-03-02T08:00:00Z' })).catch(() => undefined);
    await deliverNotification(notification('SD-20:reminder:1', { kind: 'customer_reminder', recipients: ['customer:acme'], subject: 'Is SD-20 solved?', createdAt: '2026-03-04T08:00:00Z' })).catch(() => undefined);
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(savedEnvironment)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
    await database?.destroy();
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  test('lists notifications as JSON', async () => {
    const { stdout, error } = await sundesk('ticket', 'notifications', 'SD-20', '--json');
    expect(error).toBeUndefined();

    const output = JSON.parse(stdout) as { ticketId: string; notifications: Array<{ notificationId: string; deliveries: Array<{ channel: string; status: string; attempts: number; lastError: string | null }> }> };
    expect(output.ticketId).toBe('SD-20');
    expect(output.notifications.map((item) => item.notificationId)).toEqual(['SD-20:sla:resolution:warning', 'SD-20:reminder:1']);
    expect(output.notifications[0]!.deliveries).toEqual([
      expect.objectContaining({ channel: 'outbox', status: 'delivered', attempts: 1, lastError: null }),
      expect.objectContaining({ channel: 'webhook', status: 'failed', attempts: 1, lastError: 'POST http://127.0.0.1:9/hooks returned HTTP 502 Bad Gateway' }),
    ]);
  });

  test('lists notifications as text', async () => {
    const { stdout, error } = await sundesk('ticket', 'notifications', 'SD-20');
    expect(error).toBeUndefined();

    expect(stdout).toMatch(/^notification: +SD-20:sla:resolution:warning$/m);
    expect(stdout).toMatch(/^subject: +Is SD-20 solved\?$/m);
    expect(stdout).toMatch(/^recipients: +customer:acme$/m);
    expect(stdout).toMatch(/^webhook +failed +1 +2026-\S+ +- +POST http:\/\/127\.0\.0\.1:9\/hooks returned HTTP 502 Bad Gateway$/m);
  });

  test('unknown ticket is an error', async () => {
    const { error } = await sundesk('ticket', 'notifications', 'SD-NOPE');

    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toBe("ticket 'SD-NOPE' not found in the ticket store: check the id with 'sundesk ticket list'");
  });
});
