// mode: fetch POST https://api.example/items application/json {"name":
// expect: {"status":400,"body":"{\"error\":\"Invalid JSON body\"}"}
export default {
  async fetch(request) {
    let body;
    try { body = await request.json(); } catch { return Response.json({ error: 'Invalid JSON body' }, { status: 400 }); }
    return Response.json({ created: body.name }, { status: 201 });
  }
};
