// mode: run
// expect: {"same":true,"smaller":true}
async function gzip(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
async function gunzip(bytes) {
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
}
export default {
  async run() {
    const text = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ i, label: 'item' })));
    const packed = await gzip(text);
    return { same: (await gunzip(packed)) === text, smaller: packed.length < text.length };
  }
};
