// mode: fetch POST https://app.example/signup application/x-www-form-urlencoded email=a%40b.c&name=Ann
// expect: {"status":201,"body":"{\"email\":\"a@b.c\",\"name\":\"Ann\"}"}
export default {
  async fetch(request) {
    if (request.method !== 'POST') return new Response('Method not allowed', { status: 405 });
    const form = await request.formData();
    return Response.json({ email: form.get('email'), name: form.get('name') }, { status: 201 });
  }
};
