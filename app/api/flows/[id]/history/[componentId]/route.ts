import { flowService } from '@/lib/server/context';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** Status history of a processor (records/s) or a connection (queued), one point a second. */
export const GET = route<{ id: string; componentId: string }>(async (_request, { id, componentId }) => {
  await flowService().getFlow(id);
  return Response.json({ points: flowService().history(id, componentId) });
});
