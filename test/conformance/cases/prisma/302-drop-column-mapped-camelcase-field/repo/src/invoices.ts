import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function invoiceByExternalRef(ref: string) {
  return prisma.invoice.findFirst({ where: { externalRef: ref }, select: { id: true, status: true, amountCents: true } });
}

export async function recentInvoices(accountId: bigint) {
  return prisma.invoice.findMany({ where: { accountId }, orderBy: { issuedAt: 'desc' }, take: 50 });
}
