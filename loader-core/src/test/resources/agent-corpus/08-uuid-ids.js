// mode: run
// expect: {"count":5,"unique":true,"v4":true}
export default {
  run() {
    const ids = Array.from({ length: 5 }, () => crypto.randomUUID());
    return { count: ids.length, unique: new Set(ids).size === 5, v4: ids.every((id) => id[14] === '4') };
  }
};
