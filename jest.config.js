// Two projects: pure unit tests (no I/O) and integration tests against real Postgres and Redis.
const fs = require('fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js|mjs)$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  // The Hyperliquid SDK's hash dependency is ESM-only; Node loads it with require(esm), Jest needs it compiled.
  transformIgnorePatterns: ['/node_modules/(?!(@noble|@nktkas)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  // The web app's component tests are Vitest's, in a browser (npm run test:web).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/apps/web/', '<rootDir>/dist/'],
  // Money is compared exactly: expect(x).toEqualDecimal(y).
  setupFilesAfterEnv: ['<rootDir>/libs/testing/src/matchers.ts'],
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    },
  ],
};
