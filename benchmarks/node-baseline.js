// The baseline users would otherwise pick: a new node process per request, given the agent's code.
// POST /api/agents/run {code, param} -> {value}. Same request body as the Worker Loader demo.
'use strict';
const http = require('http');
const { spawn } = require('child_process');

const RUNNER = `
let input = '';
process.stdin.on('data', (d) => input += d);
process.stdin.on('end', async () => {
  const { code, param } = JSON.parse(input);
  const url = 'data:text/javascript,' + encodeURIComponent(code);
  const mod = await import(url);
  const value = await mod.default.run(param, {}, { props: {} });
  process.stdout.write(JSON.stringify({ value }));
});`;

http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => body += d);
  req.on('end', () => {
    const child = spawn(process.execPath, ['--input-type=commonjs', '-e', RUNNER], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => out += d);
    child.on('close', (status) => {
      res.writeHead(status === 0 ? 200 : 500, { 'Content-Type': 'application/json' });
      res.end(out || '{}');
    });
    child.stdin.end(body);
  });
}).listen(parseInt(process.argv[2] || '8090', 10), '127.0.0.1');
