// Lint gate run by .ci/run (npm run lint): type-aware rules that catch what review alone misses.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import jest from 'eslint-plugin-jest';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import floors from './scripts/floors.js';

/**
 * A store is its folder's own: other folders go through the folder's service (the ownership table of the
 * Redis keys is in src/redis/redis.keys.ts). Only `./x.store` imports are allowed in src/.
 */
const FOREIGN_STORE = {
  group: ['../**/*.store', '../**/*.store.js'],
  message: "A *.store belongs to its folder: use that folder's service instead (see the key table in src/redis/redis.keys.ts).",
};

/**
 * The floors of src/ (scripts/floors.js, docs/STYLE.md) as one no-restricted-imports block per folder
 * and depth: a file of src/<folder>/ or src/<folder>/<sub>/ may not import a folder on its own floor or
 * above, nor the root files, nor another folder's store. Specs are free to reach up (a test may load the
 * config). Another no-restricted-imports block matching files of src/ would replace these options for
 * those files: add its patterns here instead.
 */
function floorBlocks() {
  const rootFiles = readdirSync(new URL('./src', import.meta.url), { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => e.name.replace(/\.ts$/, '').replace(/\./g, '\\.'));
  return floors.FLOORS.flat().flatMap((folder) =>
    ['../', '../../'].map((up) => {
      const back = up.replace(/\./g, '\\.');
      const patterns = floors.forbiddenFor(folder).map((other) => ({
        regex: `^${back}${other}(/|$)`,
        message: `${folder}/ (floor ${floors.floorOf(folder)}) may not import ${other}/ (floor ${floors.floorOf(other)}): a folder imports only from lower floors (scripts/floors.js, docs/STYLE.md)`,
      }));
      patterns.push({
        regex: `^${back}(${rootFiles.join('|')})$`,
        message: 'Nothing in a folder of src/ imports the root files (main, the role modules): they are the top floor',
      });
      patterns.push(FOREIGN_STORE);
      return {
        files: [`src/${folder}/${up === '../' ? '' : '*/'}*.ts`],
        ignores: ['**/*.spec.ts'],
        rules: { 'no-restricted-imports': ['error', { patterns }] },
      };
    }),
  );
}

/** What the demo page's script may use of the browser. */
const BROWSER_GLOBALS = [
  'window',
  'document',
  'fetch',
  'EventSource',
  'crypto',
  'TextEncoder',
  'atob',
  'btoa',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'TextDecoder',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-bench/**',
      'client/dist/**',
      'node_modules/**',
      '.tools/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      '!src/demo/assets/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its error: every one is awaited, returned or marked with `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // A new status or event type must be handled wherever a switch decides on it.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  ...floorBlocks(),
  {
    // The root files (main, the role modules) sit on no floor, but a store is its folder's own there too.
    files: ['src/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [FOREIGN_STORE] }] },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'client/test/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      // A suite may check its setup where it makes it (a run captured once, then read by every test).
      'jest/no-standalone-expect': ['error', { additionalTestBlockFunctions: ['beforeAll', 'beforeEach'] }],
      // describe(ClassName.name), as the house style asks.
      'jest/valid-title': ['error', { ignoreTypeOfDescribeName: true }],
      'jest/expect-expect': 'off',
      'jest/no-conditional-expect': 'off',
      'jest/no-done-callback': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The SDK is its own package: its sources and tests are typed by its own tsconfig.
    files: ['client/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: ['./client/tsconfig.spec.json'] } },
  },
  {
    // The demo page's browser code (inlined by src/demo/demo.page.ts): one classic script, run by browsers, without types.
    files: ['src/demo/assets/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      ecmaVersion: 2019,
      sourceType: 'script',
      globals: Object.fromEntries(BROWSER_GLOBALS.map((name) => [name, 'readonly'])),
    },
  },
  prettier,
);
