#!/usr/bin/env node
/*
 * Maps every folder-to-folder import of src/ (relative imports and re-exports of the non-spec .ts
 * files) against the floors of scripts/floors.js: prints each arrow with its count, marks an arrow
 * that runs back up (to the folder's own floor or above), lists circles among folders and folders the
 * table does not place. Exits 1 on any of them. ESLint enforces the same floors file by file; this
 * gives the figures: `-a` prints every arrow, `-v` every arrow with its importing files.
 * Usage: node scripts/import-map.js [-a | -v]   (part of npm run lint)
 */
'use strict';
const { readFileSync, readdirSync, statSync } = require('node:fs');
const { dirname, join, relative, resolve, sep } = require('node:path');
const { ALLOWED, floorOf } = require('./floors');

const src = join(__dirname, '..', 'src');
const verbose = process.argv.includes('-v');
const all = verbose || process.argv.includes('-a');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) files.push(path);
  }
})(src);

const folderOf = (path) => {
  const parts = relative(src, path).split(sep);
  return parts.length > 1 ? parts[0] : '(root)';
};
/** "from -> to" → importing files */
const arrows = new Map();
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
for (const file of files) {
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const target = resolve(dirname(file), match[1] ?? match[2]);
    if (relative(src, target).startsWith('..')) continue;
    const [from, to] = [folderOf(file), folderOf(`${target}.ts`)];
    if (from === to) continue;
    const key = `${from} -> ${to}`;
    arrows.set(key, [...(arrows.get(key) ?? []), relative(src, file)]);
  }
}

const upward = (from, to) =>
  from !== '(root)' &&
  (to === '(root)' || floorOf(to) === undefined || floorOf(to) >= floorOf(from)) &&
  !ALLOWED.some(([f, t]) => f === from && t === to);
const back = [];
for (const [key, importers] of [...arrows].sort()) {
  const [from, to] = key.split(' -> ');
  const mark = upward(from, to) ? '   BACK-ARROW' : ALLOWED.some(([f, t]) => f === from && t === to) ? '   allowed (a move under way)' : '';
  if (mark.includes('BACK')) back.push(key);
  if (all || mark) console.log(`${key} (${importers.length})${mark}`);
  if (verbose) for (const f of importers) console.log(`    ${f}`);
}

const folders = [...new Set(files.map(folderOf))].filter((f) => f !== '(root)');
const unplaced = folders.filter((f) => floorOf(f) === undefined);
const circles = findCircles(arrows);
console.log(`${folders.length} folders, ${arrows.size} arrows, ${back.length} back-arrow(s), ${circles.length} circle(s)`);
for (const f of unplaced) console.log(`NOT ON A FLOOR: ${f}/ (add it to scripts/floors.js)`);
for (const c of circles) console.log(`CIRCLE: ${c}`);
process.exit(back.length || circles.length || unplaced.length ? 1 : 0);

/** Each strongly connected group of two or more folders, as "a ↔ b ↔ …". */
function findCircles(edges) {
  const next = new Map();
  for (const key of edges.keys()) {
    const [from, to] = key.split(' -> ');
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const index = new Map();
  const low = new Map();
  const stack = [];
  const groups = [];
  let counter = 0;
  const visit = (v) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const group = [];
      let w;
      do group.push((w = stack.pop()));
      while (w !== v);
      if (group.length > 1) groups.push(group.sort().join(' ↔ '));
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return groups;
}
