// mode: run
// expect: {"polls":3,"status":"ready"}
export default {
  async run() {
    let polls = 0;
    const check = () => (++polls >= 3 ? 'ready' : 'pending');
    const status = await new Promise((resolve) => {
      const id = setInterval(() => { const s = check(); if (s === 'ready') { clearInterval(id); resolve(s); } }, 2);
    });
    return { polls, status };
  }
};
