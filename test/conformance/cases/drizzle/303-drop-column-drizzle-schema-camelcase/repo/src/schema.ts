import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const invoices = pgTable('invoices', {
  id: bigint('id', { mode: 'bigint' }).primaryKey(),
  accountId: bigint('account_id', { mode: 'bigint' }).notNull(),
  status: text('status').notNull().default('draft'),
  amountCents: bigint('amount_cents', { mode: 'bigint' }).notNull().default(0n),
  externalRef: text('external_ref'),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
});
