// mode: run
// expect: "HELLO STREAMS"
export default {
  async run() {
    const upper = new TransformStream({ transform(chunk, controller) { controller.enqueue(chunk.toUpperCase()); } });
    const stream = new Response('hello streams').body.pipeThrough(new TextDecoderStream()).pipeThrough(upper);
    let out = '';
    for await (const chunk of stream) out += chunk;
    return out;
  }
};
