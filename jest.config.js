/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
// content-disposition 3 (under @fastify/static, which serves /docs) is ESM only; Node 20.19+ requires
// it natively, Jest's module loader does not: compile that package to CommonJS for the tests.
const esmOnly = ['content-disposition'];
const esmTransform = {
  [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }],
};
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnly.join('|')})/)`];
module.exports = {
  // Two cores on CI: one worker per core; e2e suites share one migrated database and isolate by tenant.
  maxWorkers: 2,
  // A global option: per-project testTimeout is ignored by Jest.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest, ...esmTransform },
      transformIgnorePatterns,
    },
    {
      // Reads the source tree only: no database, so no globalSetup.
      displayName: 'architecture',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/architecture/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest, ...esmTransform },
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
      transform: { '^.+\\.ts$': tsJest, ...esmTransform },
      transformIgnorePatterns,
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
