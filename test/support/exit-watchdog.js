/**
 * Jest's global teardown: the suite exits on its own once every test has closed what it started (no --forceExit).
 * Should a test leave a server, socket, timer or child process behind, this names what is left and ends the run
 * 15 s later with the exit code jest chose (a failure stays a failure), instead of hanging a CI run for ever.
 * It sees this process only: when tests run in jest's workers (jest.config.js), jest itself ends a worker that does
 * not exit and says so ("A worker process has failed to exit gracefully").
 */
module.exports = async function exitWatchdog() {
  const timer = setTimeout(() => {
    const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    process.stderr.write(`\nThe test run ended but the process did not exit: still open ${JSON.stringify(left)}. A test (or the code it started) did not close these; exiting.\n`);
    process.exit();
  }, 15_000);
  timer.unref();
};
