// mode: run
// expect: [[1,2,3]]
function batcher(flush, wait) {
  let items = []; let timer = null;
  return (item) => {
    items.push(item);
    clearTimeout(timer);
    timer = setTimeout(() => { flush(items); items = []; }, wait);
  };
}
export default {
  async run() {
    const batches = [];
    const add = batcher((b) => batches.push(b), 10);
    add(1); add(2); add(3);
    await new Promise((r) => setTimeout(r, 40));
    return batches;
  }
};
