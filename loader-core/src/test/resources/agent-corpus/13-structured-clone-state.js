// mode: run
// expect: {"original":1,"copy":2,"dateKept":true}
export default {
  run() {
    const state = { count: 1, when: new Date(0), nested: { list: [1, 2] } };
    const draft = structuredClone(state);
    draft.count++;
    draft.nested.list.push(3);
    return { original: state.count, copy: draft.count, dateKept: draft.when instanceof Date && state.nested.list.length === 2 };
  }
};
