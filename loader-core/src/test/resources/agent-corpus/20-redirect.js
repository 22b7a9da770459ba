// mode: fetch GET https://old.example/docs/intro?x=1
// expect: {"status":301,"body":""}
export default {
  fetch(request) {
    const url = new URL(request.url);
    url.hostname = 'new.example';
    return Response.redirect(url.toString(), 301);
  }
};
