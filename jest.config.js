/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // swc strips types only; `tsc --noEmit` (the first half of `npm test`) does the type checking.
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // A hang guard, not a performance assertion: CLI and git tests run real processes and slow down a lot on a loaded
  // 2-core machine (performance is measured by `npm run bench`).
  testTimeout: 120000,
  // Many tests wait on child processes (synth, git): run as many files in parallel as there are cores
  // (jest's default leaves one core idle; on 2 cores that means one file at a time).
  maxWorkers: '100%',
  setupFilesAfterEnv: ['<rootDir>/test/support/exit-code.ts'],
};
