import { RunInput } from '@/engine/flow/schema';
import { noteAudit } from '@/lib/server/auth/request-identity';
import { flowService } from '@/lib/server/context';
import { readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const POST = route<{ id: string }>(async (request, { id }) => {
  const input = await readBody(request, RunInput);
  noteAudit(request, `${input.action} ${input.processorId ? `processor ${input.processorId}` : 'the whole flow'}`);
  return Response.json(await flowService().run(id, input));
});
