import { eq } from 'drizzle-orm';
import { db } from './db';
import { invoices } from './schema';

export function invoiceByRef(ref: string) {
  return db.select({ id: invoices.id, status: invoices.status }).from(invoices).where(eq(invoices.externalRef, ref));
}
