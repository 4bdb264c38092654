#!/usr/bin/env node
/*
 * Prints each of our Nest modules' imports as the application composes them, read from the @Module
 * metadata of the compiled code (run `npm run build` first): for ROLE=all with the demo on, then
 * the modules ROLE=api and ROLE=worker mount. Library modules (in parentheses) are leaves.
 * Exits 1 when our import graph has a cycle or a forwardRef.
 * Usage: node scripts/module-graph.js
 */
require('reflect-metadata');
const { join } = require('node:path');
const dist = join(__dirname, '..', 'dist');
const { AppModule } = require(join(dist, 'app.module'));
const { loadConfig } = require(join(dist, 'config', 'config.loader'));

/** Module classes compiled from src/: the ones exported by a file under dist/. */
function ourModules() {
  const ours = new Set();
  for (const [file, loaded] of Object.entries(require.cache)) {
    if (file.startsWith(dist) && loaded?.exports) Object.values(loaded.exports).forEach((v) => typeof v === 'function' && ours.add(v));
  }
  return ours;
}

/** name → names it imports, for our modules, following dynamic modules' own imports too. */
function graphOf(root) {
  const ours = ourModules();
  const graph = new Map();
  let forwardRefs = 0;
  const visit = (entry) => {
    const cls = entry.module ?? entry;
    if (!ours.has(cls)) return;
    const imports = [...(Reflect.getMetadata('imports', cls) ?? []), ...(entry.module ? (entry.imports ?? []) : [])];
    const names = [];
    for (const i of imports) {
      if (i && i.forwardRef) forwardRefs += 1;
      else names.push(ours.has(i.module ?? i) ? (i.module ?? i).name : `(${(i.module ?? i).name})`);
    }
    const known = graph.get(cls.name) ?? [];
    graph.set(cls.name, [...known, ...names.filter((n) => !known.includes(n))]);
    imports.filter((i) => i && !i.forwardRef).forEach(visit);
  };
  visit(root);
  return { graph, forwardRefs };
}

function cycles(graph) {
  const found = [];
  const state = new Map();
  const walk = (name, path) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'open') return void found.push([...path.slice(path.indexOf(name)), name].join(' → '));
    state.set(name, 'open');
    for (const next of graph.get(name) ?? []) if (graph.has(next)) walk(next, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of graph.keys()) walk(name, []);
  return found;
}

const env = { NODE_ENV: 'development', REDIS_URL: 'redis://127.0.0.1:6379', DEMO_ENABLED: 'true' };
let failed = false;
for (const role of ['all', 'api', 'worker']) {
  const { graph, forwardRefs } = graphOf(AppModule.forRoot(loadConfig({ ...env, ROLE: role })));
  console.log(`ROLE=${role}: ${graph.size} modules`);
  if (role === 'all') for (const [name, imports] of graph) console.log(`  ${name} ← ${imports.length ? imports.join(', ') : '∅'}`);
  else console.log(`  ${[...graph.keys()].join(', ')}`);
  const loops = cycles(graph);
  if (forwardRefs) console.log(`  ${forwardRefs} forwardRef import(s)`);
  for (const loop of loops) console.log(`  CYCLE: ${loop}`);
  if (loops.length || forwardRefs) failed = true;
}
console.log(failed ? 'module graph: NOT acyclic' : 'module graph: acyclic, no forwardRef');
process.exit(failed ? 1 : 0);
