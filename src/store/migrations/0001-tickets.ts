import { sql, type Kysely } from 'kysely';

/** Creates desks, tickets and their event trail. */
export async function up(database: Kysely<unknown>): Promise<void> {
  await database.schema
    .createTable('desks')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('time_zone', 'text', (column) => column.notNull())
    .addColumn('task_queue', 'text', (column) => column.notNull())
    .addColumn('definition', 'jsonb', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();

  await database.schema
    .createTable('tickets')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('title', 'text', (column) => column.notNull())
    .addColumn('description', 'text', (column) => column.notNull())
    .addColumn('customer', 'text', (column) => column.notNull())
    .addColumn('customer_time_zone', 'text', (column) => column.notNull())
    .addColumn('impact', 'text', (column) => column.notNull())
    .addColumn('urgency', 'text', (column) => column.notNull())
    .addColumn('priority', 'integer', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('pending_reason', 'text')
    .addColumn('owner_desk_id', 'text')
    .addColumn('assignment_group', 'text', (column) => column.notNull())
    .addColumn('support_level', 'text', (column) => column.notNull())
    .addColumn('assignee', 'text')
    .addColumn('opened_at', 'timestamptz', (column) => column.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_without_confirmation', 'boolean', (column) => column.notNull().defaultTo(false))
    .addColumn('first_contact_resolution', 'boolean', (column) => column.notNull().defaultTo(false))
    .addColumn('hand_off_count', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('transfer_count', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('reopen_count', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('refused_message_count', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('last_event_sequence', 'integer', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();

  await database.schema.createIndex('tickets_status_owner_desk').on('tickets').columns(['status', 'owner_desk_id']).execute();

  await database.schema
    .createTable('ticket_events')
    .addColumn('ticket_id', 'text', (column) => column.notNull())
    .addColumn('sequence', 'integer', (column) => column.notNull())
    .addColumn('type', 'text', (column) => column.notNull())
    .addColumn('actor', 'text', (column) => column.notNull())
    .addColumn('desk_id', 'text')
    .addColumn('occurred_at', 'timestamptz', (column) => column.notNull())
    .addColumn('reason', 'text')
    .addColumn('details', 'jsonb', (column) => column.notNull())
    .addColumn('recorded_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ticket_events_primary_key', ['ticket_id', 'sequence'])
    .execute();

  await database.schema.createIndex('ticket_events_type').on('ticket_events').columns(['type', 'desk_id']).execute();
}

/** Drops what `up` created. */
export async function down(database: Kysely<unknown>): Promise<void> {
  await database.schema.dropTable('ticket_events').execute();
  await database.schema.dropTable('tickets').execute();
  await database.schema.dropTable('desks').execute();
}
