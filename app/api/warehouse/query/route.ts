import { z } from 'zod';
import { readBody, route } from '@/lib/server/route';
import { warehouseReader } from '@/lib/server/context';

export const dynamic = 'force-dynamic';

const ConsoleInput = z.object({
  sql: z.string().max(20_000, 'the SQL is longer than 20,000 characters'),
  limit: z.number().int().min(1).max(10_000).default(1_000),
});

/** The SQL console: one read-only statement over the warehouse (writes, ATTACH, COPY, files and the network refused), up to `limit` rows, 10 s at most. */
export const POST = route(async (request) => {
  const { sql, limit } = await readBody(request, ConsoleInput);
  return Response.json(await warehouseReader().consoleQuery(sql, limit));
});
