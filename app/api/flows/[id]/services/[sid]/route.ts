import { UpdateServiceInput } from '@/engine/flow/schema';
import { flowService } from '@/lib/server/context';
import { noContent, readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';
type Params = { id: string; sid: string };

/** A sensitive property sent as MASKED (or left out) keeps its stored value. */
export const PATCH = route<Params>(async (request, { id, sid }) => {
  const patch = await readBody(request, UpdateServiceInput);
  return Response.json({ service: await flowService().updateService(id, sid, patch) });
});

export const DELETE = route<Params>(async (_request, { id, sid }) => {
  await flowService().deleteService(id, sid);
  return noContent();
});
