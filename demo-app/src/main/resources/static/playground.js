'use strict';

const EXAMPLES = {
  chat: `export default {
  async run(param, env) {
    const recent = env.CHAT_ROOM.history(5);
    console.log('read', recent.length, 'messages in', env.ROOM_NAME);
    const posted = await env.CHAT_ROOM.post('agent', 'Summary: ' + recent.length + ' messages about ' + param.topic);
    return { read: recent.map((m) => m.author), posted: posted.id };
  }
};`,
  loop: `// Never ends: the watchdog stops it at the policy's CPU limit.
export default {
  run() {
    let n = 0;
    while (true) { n++; }
  }
};`,
  escape: `// Tries to reach the host. Every line fails inside the sandbox.
export default {
  run(param, env) {
    const attempts = {};
    const tryIt = (name, fn) => { try { attempts[name] = String(fn()); } catch (e) { attempts[name] = e.name + ': ' + e.message; } };
    tryIt('Java.type', () => Java.type('java.lang.Runtime'));
    tryIt('require', () => require('child_process'));
    tryIt('process', () => process.env);
    tryIt('load', () => load('/etc/passwd'));
    tryIt('stub.getClass', () => env.CHAT_ROOM.getClass());
    tryIt('stub.clear', () => env.CHAT_ROOM.clear());
    tryIt('constructor', () => env.CHAT_ROOM.history.constructor('return typeof Java')());
    tryIt('env.SECRET', () => env.DATABASE_PASSWORD);
    return attempts;
  }
};`,
  memory: `// Allocates without bound: the memory budget stops it.
export default {
  run() {
    const hoard = [];
    while (true) { hoard.push(new Array(100000).fill(hoard.length)); }
  }
};`
};

const $ = (id) => document.getElementById(id);

function show(name) {
  $('code').value = EXAMPLES[name];
}

function text(value) {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

async function run() {
  const status = $('status');
  status.className = '';
  status.textContent = 'running…';
  $('result').textContent = '';
  $('error').textContent = '';
  $('logs').textContent = '';
  let param = null;
  try {
    param = $('param').value.trim() === '' ? null : JSON.parse($('param').value);
  } catch (e) {
    status.className = 'err';
    status.textContent = 'param is not valid JSON';
    return;
  }
  try {
    const response = await fetch('api/agents/run', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: $('code').value, param })
    });
    const result = await response.json();
    render(result);
  } catch (e) {
    status.className = 'err';
    status.textContent = 'request failed: ' + e.message;
  }
  refreshStats();
}

function render(result) {
  const status = $('status');
  const durations = 'load ' + ms(result.loadTime) + ', run ' + ms(result.wallTime);
  if (result.error) {
    status.className = 'err';
    status.textContent = (result.quota ? 'stopped: ' + result.quota : result.error.name) + ' (' + durations + ')';
    $('error').textContent = result.error.name + ': ' + result.error.message + (result.error.stack ? '\n' + result.error.stack : '');
  } else {
    status.className = 'ok';
    status.textContent = 'ok (' + durations + ')';
    $('result').textContent = text(result.value);
  }
  const logs = $('logs');
  logs.textContent = '';
  for (const entry of result.logs || []) {
    const line = document.createElement('div');
    line.className = 'log-' + entry.level;
    line.textContent = entry.level + ': ' + entry.message;
    logs.appendChild(line);
  }
}

function ms(duration) {
  if (typeof duration === 'number') {
    return (duration * 1000).toFixed(1) + ' ms';
  }
  if (typeof duration === 'string') {
    const match = /PT([\d.]+)S/.exec(duration);
    if (match) {
      return (parseFloat(match[1]) * 1000).toFixed(1) + ' ms';
    }
  }
  return String(duration);
}

async function refreshStats() {
  const stats = $('stats');
  try {
    const response = await fetch('actuator/workerloader');
    if (!response.ok) {
      throw new Error('HTTP ' + response.status);
    }
    const body = await response.json();
    const rows = [
      ['runtime', body.runtime ? body.runtime.implementation + (body.runtime.jit ? ' (JIT)' : ' (interpreter)') : 'warming up'],
      ['pool idle / target', body.pool ? body.pool.idle + ' / ' + body.pool.target : '–'],
      ['workers active / kept', body.workers ? body.workers.active + ' / ' + body.workers.kept : '–'],
      ['quota kills', body.quotaKills ? body.quotaKills.total : '–'],
      ['bytecode cache hit rate', body.bytecodeCache ? (body.bytecodeCache.hitRate * 100).toFixed(0) + ' %' : '–']
    ];
    stats.textContent = '';
    for (const [name, value] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = String(value);
      dd.dataset.stat = name;
      stats.append(dt, dd);
    }
  } catch (e) {
    stats.innerHTML = '<dt>status</dt><dd>unavailable</dd>';
  }
}

async function loadTypes() {
  try {
    const response = await fetch('api/agents/types');
    $('types').textContent = await response.text();
  } catch (e) {
    $('types').textContent = 'unavailable';
  }
}

// The "ask a model" panel appears only when the server has a Spring AI chat model.
async function enableAsk() {
  try {
    const response = await fetch('api/ask/available');
    const body = await response.json();
    $('ask-panel').hidden = !body.available;
  } catch (e) {
    $('ask-panel').hidden = true;
  }
}

async function ask() {
  $('answer').textContent = 'asking…';
  try {
    const response = await fetch('api/ask', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ question: $('question').value }) });
    const body = await response.json();
    $('answer').textContent = body.answer ?? body.error ?? ('HTTP ' + response.status);
  } catch (e) {
    $('answer').textContent = 'failed: ' + e.message;
  }
}

$('ask').addEventListener('click', ask);
document.querySelectorAll('[data-example]').forEach((button) => button.addEventListener('click', () => show(button.dataset.example)));
$('run').addEventListener('click', run);
$('code').addEventListener('keydown', (event) => {
  if (event.key === 'Tab') {
    event.preventDefault();
    const area = event.target;
    const start = area.selectionStart;
    area.value = area.value.slice(0, start) + '  ' + area.value.slice(area.selectionEnd);
    area.selectionStart = area.selectionEnd = start + 2;
  } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    run();
  }
});
show('chat');
loadTypes();
enableAsk();
refreshStats();
setInterval(refreshStats, 3000);
