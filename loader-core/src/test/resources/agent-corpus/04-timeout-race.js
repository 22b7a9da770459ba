// mode: run
// expect: "timed out"
function timeout(ms) { return new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), ms)); }
export default {
  async run() {
    const slow = new Promise((resolve) => setTimeout(() => resolve('slow'), 200));
    try { return await Promise.race([slow, timeout(10)]); } catch (e) { return e.message; }
  }
};
