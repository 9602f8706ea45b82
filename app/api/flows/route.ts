import { CreateFlowInput } from '@/engine/flow/schema';
import { flowService } from '@/lib/server/context';
import { readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const GET = route(async () => Response.json({ flows: await flowService().listFlows() }));

export const POST = route(async (request) => {
  const { name } = await readBody(request, CreateFlowInput);
  return Response.json({ flow: await flowService().createFlow(name) }, { status: 201 });
});
