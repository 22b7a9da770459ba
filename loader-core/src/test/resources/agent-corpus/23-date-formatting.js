// mode: run
// expect: {"iso":"2024-03-05T14:07:00.000Z","local":"3/5/2024","hours":14}
export default {
  run() {
    const d = new Date(Date.UTC(2024, 2, 5, 14, 7));
    return { iso: d.toISOString(), local: d.toLocaleDateString('en-US'), hours: d.getHours() };
  }
};
