/** Two projects: fast unit specs beside the code, and e2e specs against real Redis and HTTP. */
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
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup-e2e.ts'],
      // test/sdk.e2e-spec.ts runs the SDK's TypeScript sources, which import each other as './x.js'.
      moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    },
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
