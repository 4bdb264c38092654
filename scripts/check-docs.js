#!/usr/bin/env node
// Every file, folder and script that the README and docs/ name exists, every relative link resolves
// (to a heading that exists, when it names one), and no link leaves the repository. Docs drift when
// code moves; this check makes the drift a red CI instead of a newcomer's dead end.
// Usage: node scripts/check-docs.js   (exit 1 and one line per problem)
'use strict';
const { existsSync, readFileSync, readdirSync, statSync } = require('node:fs');
const { dirname, join, normalize, relative, sep } = require('node:path');

const root = join(__dirname, '..');
const docs = [
  'README.md',
  'client/README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
/** Paths written in backticks are checked when they start in one of these folders (or are a root file). */
const CHECKED_ROOTS = /^(src|test|scripts|bench|simulator|client|docs|\.ci)\//;
/** What a run writes (git-ignored): named in the docs as outputs, absent from a fresh clone. */
const GENERATED = /^(bench\/results|\.ci\/out)\//;
const ROOT_FILES = /^(README\.md|CHANGELOG\.md|LICENSE|Dockerfile|docker-compose\.yml|\.env\.example|package\.json|jest\.config\.js)$/;

const problems = [];
const slugCache = new Map();
for (const doc of docs) {
  const text = readFileSync(join(root, doc), 'utf8');
  const here = dirname(join(root, doc));
  for (const [lineNo, line] of text.split('\n').entries()) {
    const at = `${doc}:${lineNo + 1}`;
    for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) checkLink(target, here, at);
    for (const [, code] of line.matchAll(/`([^`]+)`/g)) {
      for (const word of code.split(/\s+/)) checkPath(word, at);
    }
  }
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`docs: ${problems.length} reference(s) to nothing`);
  process.exit(1);
}
console.log(`docs: every path and link in ${docs.length} documents resolves`);

function checkLink(target, here, at) {
  if (/^(https?:|mailto:)/.test(target)) return;
  const [path, anchor] = target.split('#');
  // A link that starts with `/` is relative to the repository's root, as GitHub reads it.
  const base = path.startsWith('/') ? root : here;
  const file = path ? normalize(join(base, decodeURIComponent(path))) : join(root, at.split(':')[0]);
  if (relative(root, file).startsWith(`..${sep}`) || relative(root, file) === '..') {
    problems.push(`${at}: link outside the repository: ${target}`);
    return;
  }
  if (!existsSync(file)) {
    problems.push(`${at}: link to a missing file: ${target}`);
    return;
  }
  if (anchor && file.endsWith('.md') && !headingSlugs(file).has(anchor)) problems.push(`${at}: link to a missing heading: ${target}`);
}

function checkPath(word, at) {
  const path = word
    .replace(/^[("'[]+|[)"',.;:\]]+$/g, '')
    .replace(/:\d+(-\d+)?$/, '')
    .replace(/#.*$/, '');
  if ((!CHECKED_ROOTS.test(path) && !ROOT_FILES.test(path)) || GENERATED.test(path)) return;
  if (/[<>{}$…]/.test(path)) return; // a placeholder, not a path
  if (!matches(path)) problems.push(`${at}: names a path that does not exist: ${path}`);
}

/** A path, or a pattern with `*` in its last parts (`test/resilience/*`, `src/**\/*.spec.ts`). */
function matches(pattern) {
  if (!pattern.includes('*')) return existsSync(join(root, pattern));
  const parts = pattern.replace(/\/$/, '').split('/');
  const walk = (dir, i) => {
    if (i === parts.length) return true;
    if (parts[i] === '**') return walk(dir, i + 1) || subdirs(dir).some((d) => walk(join(dir, d), i));
    const re = new RegExp(`^${parts[i].replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return entries(dir).some((e) => re.test(e) && walk(join(dir, e), i + 1));
  };
  return walk(root, 0);
}

function entries(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function subdirs(dir) {
  return entries(dir).filter((e) => e !== 'node_modules' && statSync(join(dir, e)).isDirectory());
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function headingSlugs(file) {
  if (!slugCache.has(file)) {
    const slugs = new Set();
    for (const [, title] of readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)) {
      slugs.add(
        title
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replace(/ /g, '-'),
      );
    }
    slugCache.set(file, slugs);
  }
  return slugCache.get(file);
}
