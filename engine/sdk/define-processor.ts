import type { z } from 'zod';
import type { ServiceKind } from './define-service';
import type { FlowRecord } from './record';

/**
 * Metadata a property schema carries through zod's `.meta()`; the property form, docs and palette
 * read it. Declared on zod's GlobalMeta so `.meta({...})` is type-checked everywhere.
 */
declare module 'zod' {
  interface GlobalMeta {
    label?: string;
    /** The property holds an expression in this language, evaluated per record. */
    expression?: 'jsonata';
    /** Render as a multi-line editor. */
    multiline?: boolean;
    /** Never sent back to the browser in clear, never logged, sealed in the flow store. */
    sensitive?: boolean;
    /**
     * Says where the secrets are sent (host, port, database, user, URL, brokers): a change to it that
     * keeps a stored secret is refused until the secret is entered again with it.
     */
    destination?: boolean;
    placeholder?: string;
    /** Form layout order; lower first. */
    order?: number;
    /** The property names a controller service of this kind (see serviceRef). */
    service?: ServiceKind;
  }
}

export type ProcessorCategory = 'Sources' | 'Transform' | 'Routing' | 'Sinks' | 'Utility';

export interface RelationshipSpec<N extends string = string> {
  readonly name: N;
  readonly description: string;
}

/** A property-level problem: `property` names the field, absent for processor-wide problems. */
export interface ValidationIssue {
  readonly property?: string;
  readonly message: string;
}

/**
 * Everything the platform knows about a processor type, declared once. From it come the palette
 * entry, the property form, validation (form, API, engine start) and docs. A spec imports only zod
 * and this sdk, so the browser can load it; the runtime lives in a separate Node-only file.
 */
export interface ProcessorSpec<
  P extends z.ZodObject = z.ZodObject,
  R extends string = string,
  D extends boolean = boolean,
> {
  readonly type: string;
  readonly version: number;
  readonly category: ProcessorCategory;
  readonly summary: string;
  /** Whether the processor takes records from incoming connections. Sources do not. */
  readonly input: 'required' | 'forbidden';
  readonly properties: P;
  readonly relationships: readonly RelationshipSpec<R>[];
  /** Set when the processor adds relationships from its configuration (one per route, say). */
  readonly dynamic?: D;
  /** The configuration-dependent relationships; required when `dynamic` is true. */
  readonly dynamicRelationships?: (props: z.infer<P>) => string[];
  /**
   * One trigger at a time, whatever the configured concurrency (NiFi's @TriggerSerially): for
   * processors whose triggers read and advance a position (a watermark, a file offset), which two
   * overlapping triggers would both read.
   */
  readonly triggerSerially?: boolean;
  /**
   * Records per trigger for a new processor of this type (DEFAULT_BATCH_SIZE otherwise): larger for
   * processors that pay per trigger (a query's round trip and sort, a warehouse load's transaction
   * and merge), so that the defaults a person gets are the fast settings.
   */
  readonly defaultBatchSize?: number;
  /**
   * Each commit depends on its batch alone: the processor keeps no state and nothing of what it saw
   * (a Transform, a router, a delay). Its commits may then leave the records they make from a
   * replayable source's records unwritten while those flow on (engine/runtime/commit.ts): after a
   * crash the source delivers the inputs again and the processor makes the same records. Never set
   * it on a processor that calls setState.
   */
  readonly pure?: boolean;
  /** Cross-field checks that a single property schema cannot express. */
  readonly validate?: (props: z.infer<P>) => ValidationIssue[];
}

export type AnySpec = ProcessorSpec<z.ZodObject, string, boolean>;
export type PropsOf<S extends AnySpec> = z.infer<S['properties']>;
/** Relationship names a processor may route to: the declared ones, or any string when dynamic. */
export type RelationshipOf<S extends AnySpec> =
  S extends ProcessorSpec<z.ZodObject, infer R, infer D> ? (D extends true ? R | (string & {}) : R) : never;

export function defineProcessor<const P extends z.ZodObject, const R extends string, const D extends boolean = false>(
  spec: ProcessorSpec<P, R, D>,
): ProcessorSpec<P, R, D> {
  if (spec.dynamic && !spec.dynamicRelationships) {
    throw new Error(`processor ${spec.type}: dynamic relationships need dynamicRelationships()`);
  }
  return spec;
}

/** All relationships of a configured processor: declared plus dynamic. */
export function relationshipsOf(spec: AnySpec, props: unknown): string[] {
  const names = spec.relationships.map((r) => r.name);
  if (spec.dynamicRelationships) {
    const parsed = spec.properties.safeParse(props);
    if (parsed.success) names.push(...spec.dynamicRelationships(parsed.data));
  }
  return names;
}

/** What `session.update` changes in a record. */
export interface RecordChange {
  readonly content?: unknown;
  readonly attributes?: Record<string, string>;
  readonly removeAttributes?: readonly string[];
}

/**
 * The session a processor routes through. The engine owns it: it commits when onTrigger returns and
 * rolls back (records return to the input queue, the processor is penalized) when it throws. Every
 * record taken or created must be transferred or dropped, or the commit fails.
 */
export interface ProcessSession<R extends string = string> {
  /** Route a record (an input, one returned by `update`, or one `create`d) to a relationship. */
  transfer(record: FlowRecord, relationship: R): void;
  /**
   * Route many records to one relationship (NiFi's transfer of a collection): the same as `transfer`
   * for each, and far cheaper per record for a whole batch in order, which is what most triggers
   * route, so hot processors route their batch with it.
   */
  transferAll(records: readonly FlowRecord[], relationship: R): void;
  /**
   * Route a record to `failure`, with the reason and where it failed in its attributes (error.message,
   * error.processor, error.time). Only for processors that declare a `failure` relationship.
   */
  fail(record: FlowRecord, reason: string): void;
  /** Remove a record from the flow on purpose (a sink consumed it, a filter rejected it). */
  drop(record: FlowRecord): void;
  /** `drop` for each record (NiFi's remove of a collection); cheap for a whole batch. */
  dropAll(records: readonly FlowRecord[]): void;
  /**
   * A new record: with no parent (sources), or made from several records of this session (a merge),
   * which become its lineage.
   */
  create(content: unknown, attributes?: Record<string, string>, parents?: readonly FlowRecord[]): FlowRecord;
  /**
   * A new record for each content, without parents (a source's batch), in one step: route them with
   * `transferAll`. The array is handed over to the session: read it, do not change it. `attributes`:
   * one map for all of them, or one per content (shared by none: each record keeps its own).
   */
  createAll(contents: readonly unknown[], attributes?: Record<string, string> | readonly Record<string, string>[]): readonly FlowRecord[];
  /** A copy with a new id (lineage: this record), to route to a second place. */
  clone(record: FlowRecord): FlowRecord;
  /**
   * The same record (same id and lineage) with new content and/or changed attributes: the names in
   * `removeAttributes` are removed first, then `attributes` are set.
   */
  update(record: FlowRecord, change: RecordChange): FlowRecord;
  /**
   * Leave an input record in the input queue, unchanged, for a later trigger (NiFi's transfer of a
   * FlowFile without a relationship). For processors that gather records over several triggers,
   * like MergeRecord's bins: the records wait where they are counted, back-pressure upstream and
   * survive a restart, not in the processor's memory. They return to the head of their queue, in
   * order, without penalty. Yield as well, or the processor is triggered again at once; the yield
   * ends early when new records arrive.
   */
  requeue(record: FlowRecord): void;
  /** Do not schedule this processor again for `ms` (a source with nothing to do, a rate limit). */
  yield(ms: number): void;
  /**
   * Replace the processor's state (a watermark, offsets) when, and only if, this session commits:
   * the state never runs ahead of the records that were handed downstream.
   */
  setState(state: unknown): void;
  /**
   * Run once the session's records are durably in their queues (ack a message, answer a webhook,
   * commit an offset). `{ waiting: false }`: nobody waits for this one (an offset commit, a file
   * delete), so it may wait for the repository's next lingering write instead of forcing one at the
   * end of the scheduler pass; records that pass on meanwhile are never written at all.
   */
  onCommitted(callback: () => void, options?: { waiting?: boolean }): void;
  /** Run when the session rolls back instead (nack, answer with an error). */
  onRolledBack(callback: (error: unknown) => void): void;
}

export interface ProcessorContext<P> {
  readonly processorId: string;
  readonly name: string;
  readonly props: P;
  /** Most records per trigger; a source creates at most this many per trigger. */
  readonly batchSize: number;
  /** The live instance of a controller service of this flow (opened on first use, shared). */
  service(id: string): Promise<unknown>;
  /** The state last committed with session.setState (kept across restarts); undefined at first. */
  state(): unknown;
  /**
   * Trigger this processor soon, ending a yield and, under a TIMER or CRON schedule, the wait for the
   * next scheduled time: data just arrived, or a full page was read and more may follow.
   */
  wake(): void;
}

export interface ProcessorRuntime<R extends string = string> {
  /** Called with a batch from the input queue (empty for sources). */
  onTrigger(batch: readonly FlowRecord[], session: ProcessSession<R>): void | Promise<void>;
  /** Release resources; called once when the processor stops. */
  onStop?(): void | Promise<void>;
  /** A small JSON view for the UI (recent records, totals), pushed with the stats. */
  view?(): unknown;
}

export interface ProcessorImplementation<S extends AnySpec = AnySpec> {
  readonly spec: S;
  /** Called at start with validated properties; may open resources (async). */
  create(ctx: ProcessorContext<PropsOf<S>>): ProcessorRuntime<RelationshipOf<S>> | Promise<ProcessorRuntime<RelationshipOf<S>>>;
}

/** Pair a spec with its Node-side runtime. */
export function implement<S extends AnySpec>(
  spec: S,
  create: ProcessorImplementation<S>['create'],
): ProcessorImplementation<S> {
  return { spec, create };
}
