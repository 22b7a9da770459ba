// mode: run
// expect: {"results":[0,1,4,9,16,25],"maxActive":2}
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length); let next = 0; let active = 0; let maxActive = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++; active++; maxActive = Math.max(maxActive, active);
      results[i] = await fn(items[i]); active--;
    }
  }
  await Promise.all(Array.from({ length: limit }, worker));
  return { results, maxActive };
}
export default { async run() { return mapLimit([0, 1, 2, 3, 4, 5], 2, (x) => new Promise((r) => setTimeout(() => r(x * x), 3))); } };
