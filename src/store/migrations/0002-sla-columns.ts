import type { Kysely } from 'kysely';

/** Adds the SLA figures that reports filter on: breach and due instants. */
export async function up(database: Kysely<unknown>): Promise<void> {
  await database.schema
    .alterTable('tickets')
    .addColumn('sla_breached', 'boolean', (column) => column.notNull().defaultTo(false))
    .addColumn('response_due_at', 'timestamptz')
    .addColumn('resolution_due_at', 'timestamptz')
    .execute();
}

/** Drops what `up` added. */
export async function down(database: Kysely<unknown>): Promise<void> {
  await database.schema.alterTable('tickets').dropColumn('sla_breached').dropColumn('response_due_at').dropColumn('resolution_due_at').execute();
}
