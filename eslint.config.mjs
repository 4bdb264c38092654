// Lint gate run by .ci/run (npm run lint): type-aware rules that catch what review alone misses.
import js from '@eslint/js';
import jest from 'eslint-plugin-jest';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'client/dist/**', 'node_modules/**', '.tools/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
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
  {
    // A store is its folder's own: other folders go through the folder's service (the ownership table
    // of the Redis keys is in src/redis/redis.keys.ts). Only `./x.store` imports are allowed in src/.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../**/*.store', '../**/*.store.js'],
              message: "A *.store belongs to its folder: use that folder's service instead (see the key table in src/redis/redis.keys.ts).",
            },
          ],
        },
      ],
    },
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
  prettier,
);
