/** Two projects: fast unit tests (no servers) and integration tests (real HTTP against the sandbox). */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
module.exports = {
  // Integration and end-to-end tests start servers; their own per-test timeouts are longer where needed.
  testTimeout: 60000,
  // Two test files at a time: the run took ≈ 11 min in band on the 2-core CI machine, with one core mostly idle
  // (the servers and child processes a test starts are the other load); two workers take it to ≈ 6½-7½ min. A worker
  // is replaced once it holds more than 250 MB after a file: a worker of 0.4-0.8 GB can take longer than jest's
  // 500 ms to exit at the end of the run (freeing its heap), which jest reports as a leak ("failed to exit
  // gracefully") although nothing was left open (at 400 MB it still happened in one run of three).
  maxWorkers: 2,
  workerIdleMemoryLimit: '250MB',
  // The suite exits on its own; if a test leaves a handle open, this names it and ends the run (see the file).
  globalTeardown: '<rootDir>/test/support/exit-watchdog.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
