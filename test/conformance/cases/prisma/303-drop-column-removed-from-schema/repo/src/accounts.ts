import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function account(id: bigint) {
  return prisma.account.findUnique({ where: { id }, select: { id: true, email: true, plan: true } });
}
