// saves.mjs: the client side of bench/run.sh (loopback only).
//   node bench/saves.mjs N          N sequential saves by agencies of county Z (the worker
//                                   logs how long each change waited for its totals)
//   node bench/saves.mjs N C        N saves by C agencies of county Z saving at once
//   node bench/saves.mjs login CODE prints a session token of the agency CODE of county Z
const BASE = `http://127.0.0.1:${process.env.PORT}`;

async function login(code) {
  const jar = new Map();
  const req = async (p, body) => {
    const r = await fetch(BASE + p, {
      method: body ? 'POST' : 'GET', redirect: 'manual',
      headers: { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      body: body ? new URLSearchParams(body).toString() : undefined,
    });
    for (const c of r.headers.getSetCookie()) { const [kv] = c.split(';'); const i = kv.indexOf('='); jar.set(kv.slice(0, i), kv.slice(i + 1)); }
    return { status: r.status, text: await r.text() };
  };
  const home = await req('/');
  const csrf = home.text.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  const r = await req('/login', { csrf, county: 'Z', account: code, password: 'cityinv-demo' });
  if (r.status !== 303) throw new Error(`login ${code}: ${r.status}`);
  return { req, jar };
}

if (process.argv[2] === 'login') {
  const { jar } = await login(process.argv[3]);
  console.log(jar.get('cityinv_session'));
} else {
  // N saves: one at a time by four agencies in turn, or with CLIENTS agencies saving at once (each its share).
  const n = Number(process.argv[2] || 1000);
  const width = Number(process.argv[3] || 0);
  const codes = width
    ? Array.from({ length: width }, (_, k) => `BZ${String(1 + (k >> 2)).padStart(2, '0')}${String(1 + (k & 3)).padStart(4, '0')}`)
    : ['BZ010001', 'BZ020002', 'BZ030003', 'BZ040004'];
  const clients = [];
  for (const code of codes) clients.push(await login(code));   // one at a time: each login is an argon2 hash
  const t0 = Date.now();
  const tget = [], tpost = [];
  const saveOnce = async ({ req }, i) => {
    let t = process.hrtime.bigint();
    const f = await req('/report/edit?year=2020');
    tget.push(Number(process.hrtime.bigint() - t) / 1e6);
    const csrf = f.text.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
    const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
    t = process.hrtime.bigint();
    const r = await req('/report/edit', { csrf, year: '2020', revision, action: 'save', scope_text: '測試', own_electricity: String(1000 + i) });
    tpost.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 303) throw new Error(`save ${i}: ${r.status}`);
    await new Promise((res) => setTimeout(res, 20));
  };
  if (width) {
    const each = Math.ceil(n / width);
    await Promise.all(clients.map(async (c, k) => { for (let i = 0; i < each; i++) await saveOnce(c, k * each + i); }));
  } else {
    for (let i = 0; i < n; i++) await saveOnce(clients[i % clients.length], i);
  }
  console.log(`${tpost.length} saves in ${((Date.now() - t0) / 1000).toFixed(1)} s${width ? `, ${width} clients at once` : ''}`);
  // What a clerk waits for: the form, then the save (the request alone; its totals are the worker's, above).
  const q = (v, p) => v.slice().sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * p))].toFixed(1);
  console.log(`form GET median ${q(tget, 0.5)} ms, p99 ${q(tget, 0.99)} ms; save POST median ${q(tpost, 0.5)} ms, p99 ${q(tpost, 0.99)} ms`);
}
