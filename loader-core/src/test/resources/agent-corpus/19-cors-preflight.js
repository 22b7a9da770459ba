// mode: fetch OPTIONS https://api.example/data
// expect: {"status":204,"body":""}
const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET,POST,OPTIONS' };
export default {
  async fetch(request) {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS });
    return new Response('data', { headers: CORS });
  }
};
