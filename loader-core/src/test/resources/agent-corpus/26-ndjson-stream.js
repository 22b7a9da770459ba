// mode: run
// expect: [{"n":1},{"n":2},{"n":3}]
async function* lines(stream) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) { yield buffer.slice(0, i); buffer = buffer.slice(i + 1); }
  }
  if (buffer) yield buffer;
}
export default {
  async run() {
    const out = [];
    for await (const line of lines(new Response('{"n":1}\n{"n":2}\n{"n":3}').body)) out.push(JSON.parse(line));
    return out;
  }
};
