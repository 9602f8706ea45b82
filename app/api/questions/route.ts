import { route } from '@/lib/server/route';
import { warehouseReader } from '@/lib/server/context';

export const dynamic = 'force-dynamic';

/** The executives' four answers from the warehouse for ?period= (a quarter like 2026-Q3, "last" or "all"), with their SQL and freshness. */
export const GET = route(async (request) => Response.json(await warehouseReader().questions(new URL(request.url).searchParams.get('period'))));
