import { RunInput } from '@/engine/flow/schema';
import { flowService } from '@/lib/server/context';
import { readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const POST = route<{ id: string }>(async (request, { id }) => {
  const input = await readBody(request, RunInput);
  return Response.json(await flowService().run(id, input));
});
