import { sql, type Kysely } from 'kysely';

/**
 * Creates the notification outbox and the per-channel delivery state.
 *
 * `notifications.ticket_id` has no foreign key to `tickets`: a ticket may raise
 * a notification before its projection reaches the store, and the outbox must
 * accept it then too.
 */
export async function up(database: Kysely<unknown>): Promise<void> {
  await database.schema
    .createTable('notifications')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('ticket_id', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('recipients', sql`text[]`, (column) => column.notNull())
    .addColumn('subject', 'text', (column) => column.notNull())
    .addColumn('payload', 'jsonb', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull())
    .addColumn('stored_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();

  await database.schema.createIndex('notifications_ticket_created').on('notifications').columns(['ticket_id', 'created_at']).execute();

  await database.schema
    .createTable('notification_deliveries')
    .addColumn('notification_id', 'text', (column) => column.notNull().references('notifications.id').onDelete('cascade'))
    .addColumn('channel', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull().check(sql`status in ('pending', 'delivered', 'failed')`))
    .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addPrimaryKeyConstraint('notification_deliveries_primary_key', ['notification_id', 'channel'])
    .execute();

  // Partial index: operators look for what is not delivered yet, which stays a small part of the table.
  await database.schema
    .createIndex('notification_deliveries_undelivered')
    .on('notification_deliveries')
    .columns(['channel', 'status'])
    .where(sql.ref('status'), '<>', 'delivered')
    .execute();
}

/** Drops what `up` created. */
export async function down(database: Kysely<unknown>): Promise<void> {
  await database.schema.dropTable('notification_deliveries').execute();
  await database.schema.dropTable('notifications').execute();
}
