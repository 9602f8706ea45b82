import { flowService } from '@/lib/server/context';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** Discard the queued records of a connection: an explicit operator action. */
export const POST = route<{ id: string; cid: string }>(async (_request, { id, cid }) =>
  Response.json({ dropped: await flowService().emptyConnection(id, cid) }),
);
