import { UpdateConnectionInput } from '@/engine/flow/schema';
import { flowService } from '@/lib/server/context';
import { noContent, readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';
type Params = { id: string; cid: string };

export const PATCH = route<Params>(async (request, { id, cid }) => {
  const patch = await readBody(request, UpdateConnectionInput);
  return Response.json({ connection: await flowService().updateConnection(id, cid, patch) });
});

export const DELETE = route<Params>(async (_request, { id, cid }) => {
  await flowService().deleteConnection(id, cid);
  return noContent();
});
