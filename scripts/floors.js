// The floors of src/, lowest first: a folder imports only from folders on lower floors, never from its
// own floor's neighbours nor upwards; the files directly in src/ (main.ts, the role modules) are the
// top floor. docs/STYLE.md ("Floors") says why each folder sits where it does. eslint.config.mjs turns
// this table into no-restricted-imports rules (npm run lint), and scripts/import-map.js prints the
// folder graph against it.
'use strict';

const FLOORS = [
  ['common'],
  ['clients'],
  ['config'],
  ['redis', 'logging', 'metrics'],
  ['recognize', 'receipts', 'transactions', 'ratelimit', 'health', 'lifecycle'],
  ['approvals'],
  ['polling', 'webhooks', 'events', 'signatures', 'docs'],
  ['ciba', 'admin', 'maintenance'],
  ['demo'],
];

/**
 * Imports allowed against the floors while a move is under way: [from, to, why]. Each names the move
 * that removes it; none is open today.
 */
const ALLOWED = [];

/** The floor of a folder of src/ (undefined for one the table does not list). */
function floorOf(folder) {
  const i = FLOORS.findIndex((floor) => floor.includes(folder));
  return i < 0 ? undefined : i;
}

/** Folders `folder` may not import: its neighbours on its floor and every folder above, minus ALLOWED. */
function forbiddenFor(folder) {
  const floor = floorOf(folder);
  return FLOORS.slice(floor)
    .flat()
    .filter((other) => other !== folder && !ALLOWED.some(([from, to]) => from === folder && to === other));
}

module.exports = { FLOORS, ALLOWED, floorOf, forbiddenFor };
