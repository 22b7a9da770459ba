// mode: run
// expect: "https://api.example.com/search?q=hello+world&page=2&tags=a&tags=b"
function buildUrl(base, params) {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((v) => url.searchParams.append(key, v));
    else if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}
export default { run() { return buildUrl('https://api.example.com/search', { q: 'hello world', page: 2, tags: ['a', 'b'], skip: undefined }); } };
