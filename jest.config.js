/** Two projects: fast unit tests (no servers) and integration tests (real HTTP against the sandbox). */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
module.exports = {
  // Integration and end-to-end tests start servers; their own per-test timeouts are longer where needed.
  testTimeout: 60000,
  // The suite exits on its own; if a test leaves a handle open, this names it and ends the run (see the file).
  globalTeardown: '<rootDir>/test/support/exit-watchdog.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
