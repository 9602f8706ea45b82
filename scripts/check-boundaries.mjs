// The architecture's boundaries, enforced: the engine never imports the UI or Next, and the UI
// imports only the browser-safe parts of the engine (sdk, flow, protocol, processor and service specs).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

function importsOf(file) {
  const out = [];
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    // type-only imports carry no code across the boundary
    if (/^(?:import|export)\s+type\s/.test(m[0])) continue;
    out.push(m[1] ?? m[2]);
  }
  return out;
}

/** The repo-relative path an import points at, or the bare package name. */
function resolve(file, spec) {
  if (spec.startsWith('@/')) return spec.slice(2);
  if (spec.startsWith('.')) return path.relative(root, path.resolve(path.dirname(file), spec));
  return spec;
}

const rules = [
  {
    dir: 'engine',
    forbid: (target) => /^(app|components)(\/|$)/.test(target) || /^(next|react|react-dom|@xyflow\/react)(\/|$)/.test(target),
    why: 'the engine must not import the UI, React or Next',
  },
  {
    dir: 'components',
    forbid: (target) =>
      /^engine\//.test(target) &&
      !/^engine\/(sdk|flow|protocol)(\/|$)|^engine\/processors\/(specs|[^/]+\/spec)$|^engine\/services\/(specs|([^/]+\/)+spec)$/.test(target),
    why: 'the UI may import only engine/sdk, engine/flow, engine/protocol and processor and service specs',
  },
];

const violations = [];
for (const rule of rules) {
  for (const file of files(path.join(root, rule.dir))) {
    for (const spec of importsOf(file)) {
      const target = resolve(file, spec);
      if (rule.forbid(target)) violations.push(`${path.relative(root, file)} imports ${spec}: ${rule.why}`);
    }
  }
}
if (violations.length) {
  console.error(violations.join('\n'));
  process.exit(1);
}
console.log('boundaries: ok');
