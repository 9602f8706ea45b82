/**
 * JSONata interpreter vs the compiled fast path (engine/expression/compile.ts), per record.
 * Run: node --import tsx bench/expression-fast-path.ts [count]   (default 1,000,000 inputs)
 *
 * The interpreter side is jsonata's own async evaluate (the engine's fallback), with the engine's
 * extensions registered; the fast side is compileFast over the same source's AST. Each side evaluates every
 * input once, sequentially, the way a processor walks its batch.
 */
import jsonata from 'jsonata';
import { EXTENSIONS } from '../engine/expression/jsonata';
import { BAIL, compileFast } from '../engine/expression/compile';

interface Case {
  readonly name: string;
  readonly source: string;
  readonly input: (n: number) => unknown;
  readonly bindings: (n: number) => Record<string, unknown> | undefined;
}

const REGIONS = ['asia', 'europe', 'americas'];

const CASES: readonly Case[] = [
  {
    name: 'Transform',
    source: '{"total": qty * price}',
    input: (n) => ({ orderId: n, qty: 1 + (n % 5), price: 10 + (n % 50) * 1.5, region: REGIONS[n % 3] }),
    bindings: () => undefined,
  },
  {
    name: 'GenerateRecords',
    source: '{"orderId": $i, "sku": $pick(["a","b"]), "qty": $randomInt(1, 5), "price": 39}',
    input: () => ({}),
    bindings: (n) => ({ i: n }),
  },
  {
    // the template of bench/cases/conflux-flow.ts (bench/cases/shared.ts TEMPLATE)
    name: 'Generate (flow)',
    source: '{"orderId": $i, "sku": $pick(["PF-110", "PF-490", "PF-150"]), "qty": 1 + $i % 4, "price": 39}',
    input: () => ({}),
    bindings: (n) => ({ i: n }),
  },
];

let sink: unknown;

async function timeInterpreter(source: string, inputs: readonly unknown[], bindings: Case['bindings']): Promise<number> {
  const expression = jsonata(source);
  for (const [name, { implementation, signature }] of Object.entries(EXTENSIONS)) {
    expression.registerFunction(name, implementation as (...args: unknown[]) => unknown, signature);
  }
  const started = performance.now();
  for (let n = 0; n < inputs.length; n++) sink = await expression.evaluate(inputs[n], bindings(n));
  return performance.now() - started;
}

function timeFastPath(source: string, inputs: readonly unknown[], bindings: Case['bindings']): { ms: number; bails: number } {
  const fast = compileFast(jsonata(source).ast(), EXTENSIONS);
  if (!fast) throw new Error(`${source} is outside the fast-path subset`);
  const run = (count: number) => {
    let bails = 0;
    for (let n = 0; n < count; n++) {
      const result = fast(inputs[n], bindings(n) ?? {});
      if (result === BAIL) bails++;
      sink = result;
    }
    return bails;
  };
  run(Math.min(inputs.length, 50_000)); // let the JIT settle before timing
  const started = performance.now();
  const bails = run(inputs.length);
  return { ms: performance.now() - started, bails };
}

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
const format = (perSecond: number) => perSecond.toLocaleString('en-US').padStart(13);

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1_000_000);
  console.log(`node ${process.version}, jsonata 2.2.2, ${count.toLocaleString('en-US')} inputs per run\n`);
  console.log(`${'case'.padEnd(16)} ${'interpreter/s'.padStart(13)} ${'fast path/s'.padStart(13)} ${'speedup'.padStart(8)}  bails  expression`);
  for (const testCase of CASES) {
    const inputs = Array.from({ length: count }, (_, n) => testCase.input(n));
    const interpreted = await timeInterpreter(testCase.source, inputs, testCase.bindings);
    const fast = timeFastPath(testCase.source, inputs, testCase.bindings);
    const slow = rate(count, interpreted);
    const quick = rate(count, fast.ms);
    console.log(
      `${testCase.name.padEnd(16)} ${format(slow)} ${format(quick)} ${(quick / slow).toFixed(1).padStart(7)}x  ${String(fast.bails).padStart(5)}  ${testCase.source}`,
    );
  }
  if (sink === BAIL) console.log('(last result bailed)');
}

await main();
