import { UpdateFlowInput } from '@/engine/flow/schema';
import { flowService } from '@/lib/server/context';
import { noContent, readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';
type Params = { id: string };

export const GET = route<Params>(async (_request, { id }) => Response.json({ flow: await flowService().getFlow(id) }));

export const PATCH = route<Params>(async (request, { id }) => {
  const patch = await readBody(request, UpdateFlowInput);
  return Response.json({ flow: await flowService().updateFlow(id, patch) });
});

export const DELETE = route<Params>(async (_request, { id }) => {
  await flowService().deleteFlow(id);
  return noContent();
});
