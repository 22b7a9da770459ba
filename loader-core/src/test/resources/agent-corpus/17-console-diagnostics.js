// mode: run
// expect: "ok"
export default {
  run() {
    console.time('work');
    console.group('diagnostics');
    console.table([{ a: 1, b: 2 }]);
    console.count('calls'); console.count('calls');
    console.assert(1 === 1, 'never');
    console.dir({ nested: { deep: true } }, { depth: null });
    console.groupEnd();
    console.timeEnd('work');
    console.warn('done');
    return 'ok';
  }
};
