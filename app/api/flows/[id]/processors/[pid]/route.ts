import { UpdateProcessorInput } from '@/engine/flow/schema';
import { flowService } from '@/lib/server/context';
import { noContent, readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';
type Params = { id: string; pid: string };

export const PATCH = route<Params>(async (request, { id, pid }) => {
  const patch = await readBody(request, UpdateProcessorInput);
  return Response.json({ processor: await flowService().updateProcessor(id, pid, patch) });
});

export const DELETE = route<Params>(async (_request, { id, pid }) => {
  await flowService().deleteProcessor(id, pid);
  return noContent();
});
