import { z } from 'zod';
import { badRequest, invalidInput, isHttpError } from './http-error';

type Context<P> = { params: Promise<P> };

/** Wrap a route handler: HttpErrors become their status with {error, issues}; anything else a 500. */
export function route<P = Record<string, never>>(handler: (request: Request, params: P) => Promise<Response>) {
  return async (request: Request, context: Context<P>): Promise<Response> => {
    try {
      return await handler(request, await context.params);
    } catch (error) {
      if (isHttpError(error)) {
        return Response.json({ error: error.message, issues: error.issues }, { status: error.status });
      }
      // only the first line: a store error goes on to print the call's arguments, which may hold secrets
      const summary = firstLine(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      console.error(`${request.method} ${new URL(request.url).pathname} failed: ${summary}`);
      return Response.json({ error: `internal error: ${summary}` }, { status: 500 });
    }
  };
}

/** Parse a JSON body with the shared schema; a 400 that names each bad field otherwise. */
export async function readBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  let json: unknown;
  try {
    json = await request.json();
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw invalidInput(parsed.error);
  return parsed.data;
}

export const noContent = () => new Response(null, { status: 204 });

const firstLine = (text: string) => text.split('\n').find((line) => line.trim() !== '')?.trim() ?? text;
