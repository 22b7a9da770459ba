// mode: run
// expect: {"user":"alice","exp":1700000000}
function decodeJwtPayload(token) {
  const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const padded = part + '='.repeat((4 - part.length % 4) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}
export default {
  run() {
    const payload = btoa(JSON.stringify({ user: 'alice', exp: 1700000000 })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    return decodeJwtPayload('eyJhbGciOiJIUzI1NiJ9.' + payload + '.sig');
  }
};
