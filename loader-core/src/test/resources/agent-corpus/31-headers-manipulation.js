// mode: fetch GET https://api.example/ -
// expect: {"status":200,"body":"[[\"cache-control\",\"no-store\"],[\"content-type\",\"text/plain;charset=UTF-8\"],[\"x-request-id\",\"abc\"]]"}
export default {
  async fetch(request) {
    const response = new Response('placeholder');
    const headers = new Headers(response.headers);
    headers.set('Cache-Control', 'no-store');
    headers.append('X-Request-Id', 'abc');
    return new Response(JSON.stringify([...headers]), { headers: { 'content-type': 'application/json' } });
  }
};
