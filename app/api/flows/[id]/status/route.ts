import { flowService } from '@/lib/server/context';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** The flow's live status as the engine has it now: per processor and per connection, with bulletins (what socket.io pushes). */
export const GET = route<{ id: string }>(async (_request, { id }) => Response.json({ status: await flowService().status(id) }));
