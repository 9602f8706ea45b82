import { CreateProcessorInput } from '@/engine/flow/schema';
import { flowService } from '@/lib/server/context';
import { readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const POST = route<{ id: string }>(async (request, { id }) => {
  const input = await readBody(request, CreateProcessorInput);
  return Response.json({ processor: await flowService().addProcessor(id, input) }, { status: 201 });
});
