// mode: run
// expect: {"words":9,"bytes":50,"chars":46,"top":"the"}
export default {
  run() {
    const text = 'the quick brown fox jumps over the lazy dog ✓✓';
    const words = text.split(/\s+/).filter((w) => /\w/.test(w));
    const freq = words.reduce((m, w) => m.set(w, (m.get(w) || 0) + 1), new Map());
    const top = [...freq.entries()].sort((a, b) => b[1] - a[1])[0][0];
    return { words: words.length, bytes: new TextEncoder().encode(text).length, chars: [...text].length, top };
  }
};
