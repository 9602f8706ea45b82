import { CreateServiceInput } from '@/engine/flow/schema';
import { flowService } from '@/lib/server/context';
import { readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** The flow's controller services, secrets masked. */
export const GET = route<{ id: string }>(async (_request, { id }) => Response.json({ services: await flowService().listServices(id) }));

export const POST = route<{ id: string }>(async (request, { id }) => {
  const input = await readBody(request, CreateServiceInput);
  return Response.json({ service: await flowService().addService(id, input) }, { status: 201 });
});
