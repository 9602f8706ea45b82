import { flowService } from '@/lib/server/context';
import { noContent, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';
type Params = { id: string; pid: string };

/** The processor's committed state (watermark, offsets); null when it has none. */
export const GET = route<Params>(async (_request, { id, pid }) => Response.json({ state: await flowService().processorState(id, pid) }));

/** Forget it: the next run starts from scratch. Refused while the processor runs. */
export const DELETE = route<Params>(async (_request, { id, pid }) => {
  await flowService().clearProcessorState(id, pid);
  return noContent();
});
