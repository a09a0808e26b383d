// In-process CLI runs (usage errors) set process.exitCode as the real commands do; a value left behind would make
// jest exit non-zero with every test passing. Each test starts from a clean exit code.
afterEach(() => {
  process.exitCode = undefined;
});
