// mode: run
// expect: ["start","progress:50","progress:100","done"]
class Job extends EventTarget {
  async run() {
    this.dispatchEvent(new Event('start'));
    for (const p of [50, 100]) {
      await new Promise((r) => setTimeout(r, 1));
      this.dispatchEvent(new CustomEvent('progress', { detail: p }));
    }
    this.dispatchEvent(new Event('done'));
  }
}
export default {
  async run() {
    const log = [];
    const job = new Job();
    job.addEventListener('start', () => log.push('start'));
    job.addEventListener('progress', (e) => log.push('progress:' + e.detail));
    job.addEventListener('done', () => log.push('done'));
    await job.run();
    return log;
  }
};
