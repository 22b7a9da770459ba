// mode: run
// expect: ["https://example.com/a/c","https://example.com/?b=2&a=1","http://xn--mnchen-3ya.example/"]
function normalize(input) {
  const url = new URL(input);
  url.hash = '';
  return url.href;
}
export default {
  run() {
    return ['HTTPS://Example.com:443/a/b/../c#top', 'https://example.com?b=2&a=1', 'http://münchen.example'].map(normalize);
  }
};
