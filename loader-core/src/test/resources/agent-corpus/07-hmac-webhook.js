// mode: run
// expect: {"valid":true,"tampered":false}
const enc = new TextEncoder();
async function sign(secret, body) {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(body)));
}
async function verify(secret, body, signature) {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return crypto.subtle.verify('HMAC', key, signature, enc.encode(body));
}
export default {
  async run() {
    const sig = await sign('s3cret', '{"event":"push"}');
    return { valid: await verify('s3cret', '{"event":"push"}', sig), tampered: await verify('s3cret', '{"event":"pull"}', sig) };
  }
};
