import { DEFAULT_DATABASE_URL, openPrisma, type Prisma } from './client';
import { migrate } from './migrate';

/** The metadata database, migrated first (so a fresh file or database just works) and connected. */
export async function openDatabase(databaseUrl: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Promise<Prisma> {
  await migrate(databaseUrl);
  const prisma = openPrisma(databaseUrl);
  await prisma.$connect();
  return prisma;
}
