import { implement, type FlowRecord, type ProcessSession, type PropsOf } from '../../sdk';
import { attributesOf, bodyOf, exchange, relationshipOf, type Exchange } from './exchange';
import { invokeHttpSpec, METHODS_WITH_BODY } from './spec';
import { parseUrlTemplate } from './url-template';

type Session = ProcessSession<'response' | 'original' | 'retry' | 'no.retry' | 'failure'>;
type Props = PropsOf<typeof invokeHttpSpec>;

/** A request that could not be built: the record goes to failure. */
type Unbuildable = { readonly kind: 'unbuildable'; readonly reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The record's content with the response body in it, as the response mode says; unchanged when the body is empty. */
function withResponse(content: unknown, body: unknown, props: Props): unknown {
  if (body === undefined) return content;
  if (props.responseMode === 'replace' || !isObject(content)) return body;
  if (props.responseMode === 'merge' && isObject(body)) return Object.assign({}, content, body);
  return { ...content, [props.responseField]: body };
}

/**
 * The headers every request carries, built once: a value the fetch API refuses fails the start, not
 * every record, and the message never repeats the secret Authorization value.
 */
function headersOf(props: Props): Headers {
  const headers = new Headers(props.headers);
  if (!headers.has('accept')) headers.set('accept', 'application/json, */*;q=0.5');
  try {
    if (props.authorization) headers.set('authorization', props.authorization);
  } catch {
    throw new Error('the Authorization value is not a valid header value (it has a line break or a control character)');
  }
  return headers;
}

/** Run `task` on every item with at most `limit` in flight; results in item order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export default implement(invokeHttpSpec, ({ props }) => {
  const template = parseUrlTemplate(props.url);
  const headers = headersOf(props);
  const sendsBody = METHODS_WITH_BODY.includes(props.method);

  /** A request ready to send (its timeout starts now), or why it cannot be built. */
  function requestFor(url: string, body?: string, contentType?: string): Request | Unbuildable {
    try {
      const requestHeaders = new Headers(headers);
      if (body !== undefined && contentType && !requestHeaders.has('content-type')) requestHeaders.set('content-type', contentType);
      return new Request(url, { method: props.method, headers: requestHeaders, body, signal: AbortSignal.timeout(props.timeoutMs) });
    } catch (error) {
      return { kind: 'unbuildable', reason: `the request could not be built: ${(error as Error).message}` };
    }
  }

  async function callFor(record: FlowRecord): Promise<Exchange | Unbuildable> {
    const target = template.render(record.content);
    if ('error' in target) return { kind: 'unbuildable', reason: target.error };
    const request = requestFor(target.url, sendsBody ? JSON.stringify(record.content) : undefined, 'application/json');
    return request instanceof Request ? exchange(request, props.timeoutMs, props.maxResponseBytes) : request;
  }

  function route(session: Session, record: FlowRecord, outcome: Exchange | Unbuildable): void {
    if (outcome.kind === 'unbuildable') return session.fail(record, outcome.reason);
    const relationship = relationshipOf(outcome);
    const updated = session.update(record, { attributes: attributesOf(outcome) });
    if (relationship !== 'response' || outcome.kind !== 'answered') return session.transfer(updated, relationship);
    const response = session.update(session.clone(updated), { content: withResponse(record.content, bodyOf(outcome), props) });
    session.transfer(updated, 'original');
    session.transfer(response, 'response');
  }

  async function perRecord(batch: readonly FlowRecord[], session: Session): Promise<void> {
    const outcomes = await mapConcurrently(batch, props.concurrency, callFor);
    batch.forEach((record, i) => route(session, record, outcomes[i]));
  }

  async function perBatch(batch: readonly FlowRecord[], session: Session): Promise<void> {
    const contents = batch.map((r) => r.content);
    const ndjson = props.batchFormat === 'ndjson';
    const body = ndjson ? contents.map((c) => JSON.stringify(c)).join('\n') + '\n' : JSON.stringify(contents);
    // per-batch URLs have no placeholders (the spec checks it)
    const request = requestFor(props.url, body, ndjson ? 'application/x-ndjson' : 'application/json');
    if (!(request instanceof Request)) return batch.forEach((record) => session.fail(record, request.reason));
    const outcome = await exchange(request, props.timeoutMs, props.maxResponseBytes);
    const relationship = relationshipOf(outcome);
    const attributes = { ...attributesOf(outcome), 'http.batch.size': String(batch.length) };
    for (const record of batch) session.transfer(session.update(record, { attributes }), relationship === 'response' ? 'original' : relationship);
    if (relationship === 'response' && outcome.kind === 'answered') session.transfer(session.create(bodyOf(outcome) ?? null, attributes, batch), 'response');
  }

  return {
    onTrigger: (batch, session) => (props.mode === 'per-batch' ? perBatch(batch, session) : perRecord(batch, session)),
  };
});
