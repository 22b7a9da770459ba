// mode: fetch GET https://api.example/users/42?fields=name
// expect: {"status":200,"body":"{\"id\":\"42\",\"fields\":[\"name\"]}"}
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const match = url.pathname.match(/^\/users\/(\d+)$/);
    if (!match) return new Response('Not found', { status: 404 });
    const fields = (url.searchParams.get('fields') || '').split(',').filter(Boolean);
    return Response.json({ id: match[1], fields });
  }
};
