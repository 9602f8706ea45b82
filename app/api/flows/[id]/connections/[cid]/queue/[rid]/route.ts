import { flowService } from '@/lib/server/context';
import { badRequest } from '@/lib/server/http-error';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** One queued record in full; `?download` answers its content as a JSON file. */
export const GET = route<{ id: string; cid: string; rid: string }>(async (request, { id, cid, rid }) => {
  const recordId = Number(rid);
  if (!Number.isSafeInteger(recordId)) throw badRequest(`"${rid}" is not a record id`);
  const record = await flowService().queuedRecord(id, cid, recordId);
  if (!new URL(request.url).searchParams.has('download')) return Response.json({ record });
  return new Response(JSON.stringify(record.content, null, 2), {
    headers: { 'content-type': 'application/json', 'content-disposition': `attachment; filename="record-${recordId}.json"` },
  });
});
