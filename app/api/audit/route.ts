import { z } from 'zod';
import { accounts } from '@/lib/server/auth/request-identity';
import { invalidInput } from '@/lib/server/http-error';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

const Query = z.object({
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The audit log, newest first, filtered by actor (part of the name), action (prefix) and time. */
export const GET = route(async (request) => {
  const parsed = Query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw invalidInput(parsed.error, 'query');
  return Response.json({ events: await accounts().listAudit(parsed.data) });
});
