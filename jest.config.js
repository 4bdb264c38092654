const { readdirSync } = require('node:fs');
const { join } = require('node:path');

/** Projects: unit specs beside the code, e2e specs against real Redis and HTTP (everyday and slow), the SDK's. */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', {}],
    // jose, canonicalize, openid-client and oauth4webapi ship ES modules only; Jest's module system needs them as CommonJS.
    '^.+/node_modules/(jose|canonicalize|openid-client|oauth4webapi)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true }, diagnostics: false },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|canonicalize|openid-client|oauth4webapi)/)'],
};

/**
 * End-to-end specs live in test/<feature>/. These folders are the slow ones; every other feature folder
 * is the everyday tier, so a new folder is never left out of both.
 */
const SLOW_E2E = ['resilience', 'hostile', 'browser', 'deploy'];
/** Specs of scaling out over several Redis masters: run by jest.redis-modes.config.js only, on a cluster. */
const REDIS_MODES_ONLY = ['scale-out'];
const NOT_SPECS = ['helpers', 'unit', ...REDIS_MODES_ONLY];
const FAST_E2E = readdirSync(join(__dirname, 'test'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !SLOW_E2E.includes(entry.name) && !NOT_SPECS.includes(entry.name))
  .map((entry) => entry.name);

/** One e2e project over the given folders of test/: real Redis, real HTTP, the app as users run it. */
function e2e(displayName, folders) {
  return {
    ...common,
    displayName,
    rootDir: '.',
    testMatch: folders.map((folder) => `<rootDir>/test/${folder}/**/*.e2e-spec.ts`),
    setupFilesAfterEnv: ['<rootDir>/test/setup-e2e.ts'],
    // test/sdk/sdk.e2e-spec.ts runs the SDK's TypeScript sources, which import each other as './x.js'.
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  };
}

module.exports = {
  // A suite that leaves a client reconnecting to a Redis it stopped must not hold CI until its time runs
  // out: the results are in by then. `npx jest --detectOpenHandles` shows such leaks.
  forceExit: true,
  projects: [
    {
      ...common,
      displayName: 'unit',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/simulator/**/*.spec.ts'],
      setupFiles: ['<rootDir>/test/unit/setup-unit.ts'],
    },
    e2e('e2e', FAST_E2E),
    // What takes minutes or needs more than Redis and Node: crashes and outages, property-based hostile
    // input, a real browser, the compose file. `npm run test:fast` leaves these folders out.
    e2e('e2e-slow', SLOW_E2E),
    {
      ...common,
      displayName: 'sdk',
      rootDir: '.',
      testMatch: ['<rootDir>/client/test/**/*.spec.ts'],
      // The SDK is ESM and imports its own modules as './x.js'; here they are the TypeScript sources.
      moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
      transform: { ...common.transform, '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/client/tsconfig.spec.json' }] },
    },
  ],
};
