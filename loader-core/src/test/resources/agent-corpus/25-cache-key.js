// mode: run
// expect: "a77e469a"
async function cacheKey(request) {
  const url = new URL(request.url);
  url.searchParams.sort();
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(request.method + ' ' + url.href));
  return [...new Uint8Array(digest).slice(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
export default { async run() { return cacheKey(new Request('https://a.example/x?b=1&a=2')); } };
