const base = require('./jest.config');

/**
 * The suites that must pass whatever Redis the service runs on, run in the Redis mode STEPUP_TEST_REDIS
 * names (test/helpers/test-redis.ts): `npm run test:shards`, `test:cluster`, `test:sentinel`, which
 * scripts/test runs after the main suite. The global setup starts the cluster or the Sentinel
 * deployment once for the run. test/scale-out/ holds what only makes sense in these modes.
 */
const SUITES = [
  'approvals/lifecycle', // lifecycle
  'approvals/list', // listing
  'webhooks/webhooks', // delivery
  'webhooks/dead-letter',
  'webhooks/operators',
  'webhooks/rollback',
  'ops/ratelimit', // limits: per end user, per client across instances
  'security/tenancy', // limits: per-user 429s, storage quota
  'resilience/crash', // crash
  'scale-out/*',
  // What the contract's evidence promises (signatures, consume, receipts, deadlines, the text a phone
  // shows) and the key scheme's safety: the same on every Redis layout.
  'approvals/validation',
  'evidence/{consume,deadline,key-rotation,outcomes,receipts,signature,transaction,visible-text}',
  'security/keys',
];

const e2e = base.projects.find((project) => project.displayName === 'e2e');

module.exports = {
  forceExit: base.forceExit,
  globalSetup: '<rootDir>/test/redis-modes.setup.ts',
  globalTeardown: '<rootDir>/test/redis-modes.teardown.ts',
  projects: [
    {
      ...e2e,
      displayName: `e2e-${process.env.STEPUP_TEST_REDIS || 'single'}`,
      testMatch: SUITES.map((suite) => `<rootDir>/test/${suite}.e2e-spec.ts`),
    },
  ],
};
