// mode: run
// expect: {"attempts":3,"value":"ok"}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function withRetry(fn, { retries = 5, baseDelay = 5 } = {}) {
  let attempt = 0;
  for (;;) {
    attempt++;
    try { return { attempts: attempt, value: await fn(attempt) }; }
    catch (err) { if (attempt > retries) throw err; await sleep(baseDelay * 2 ** (attempt - 1)); }
  }
}
export default {
  async run() {
    return withRetry(async (n) => { if (n < 3) throw new Error('flaky'); return 'ok'; });
  }
};
