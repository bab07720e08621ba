// Jest runs TypeScript as ESM (@kubernetes/client-node 1.x is ESM-only), so tests start with
// --experimental-vm-modules (see package.json). Two projects: unit tests need nothing but Node;
// integration tests share one local control plane started by the global setup.
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

export default {
  globalSetup: '<rootDir>/test/jest/temp-dir-setup.ts',
  globalTeardown: '<rootDir>/test/jest/temp-dir-teardown.ts',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$'],
      setupFilesAfterEnv: ['<rootDir>/test/jest/unit-timeout.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.int.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/control-plane/jest-integration-timeout.ts'],
      globalSetup: '<rootDir>/test/control-plane/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/control-plane/jest-global-teardown.ts',
    },
  ],
};
