// mode: run
// expect: {"aborted":true,"name":"AbortError"}
export default {
  async run() {
    const controller = new AbortController();
    const work = new Promise((resolve, reject) => {
      const id = setTimeout(() => resolve('done'), 1000);
      controller.signal.addEventListener('abort', () => { clearTimeout(id); reject(controller.signal.reason); });
    });
    setTimeout(() => controller.abort(), 5);
    try { await work; return { aborted: false }; }
    catch (e) { return { aborted: controller.signal.aborted, name: e.name }; }
  }
};
