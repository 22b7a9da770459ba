// mode: run
// expect: ["sync","micro","promise","timeout"]
export default {
  async run() {
    const order = [];
    setTimeout(() => order.push('timeout'), 0);
    queueMicrotask(() => order.push('micro'));
    Promise.resolve().then(() => order.push('promise'));
    order.push('sync');
    await new Promise((r) => setTimeout(r, 5));
    return order;
  }
};
