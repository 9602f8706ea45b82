import { z } from 'zod';

/**
 * Processor-specific views pushed with the stats (`ProcessorStatus.view`). The runtimes produce
 * them typed by these schemas; the editor parses them, so a view that changes shape degrades to
 * "no view", not a crash.
 */

export const InspectView = z.object({
  records: z.array(
    z.object({
      id: z.number(),
      attributes: z.record(z.string(), z.string()),
      content: z.unknown(),
      entryTime: z.number(),
    }),
  ),
});
export type InspectView = z.infer<typeof InspectView>;
export type InspectedRecord = InspectView['records'][number];

export const CountView = z.object({ count: z.number() });
export type CountView = z.infer<typeof CountView>;

export function inspectViewOf(view: unknown): InspectView | undefined {
  const parsed = InspectView.safeParse(view);
  return parsed.success ? parsed.data : undefined;
}

export function countOf(view: unknown): number | undefined {
  const parsed = CountView.safeParse(view);
  return parsed.success ? parsed.data.count : undefined;
}
