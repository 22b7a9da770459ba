// mode: run
// expect: {"measured":true,"nonNegative":true}
export default {
  async run() {
    const start = performance.now();
    await new Promise((r) => setTimeout(r, 20));
    const elapsed = performance.now() - start;
    return { measured: typeof elapsed === 'number', nonNegative: elapsed >= 0 };
  }
};
