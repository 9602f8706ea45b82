import { flowService } from '@/lib/server/context';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** The first records waiting in a connection, in the order they will leave it (attributes and a preview). */
export const GET = route<{ id: string; cid: string }>(async (_request, { id, cid }) => Response.json(await flowService().listQueue(id, cid)));
