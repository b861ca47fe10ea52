// factor_day.mjs: the console's side of bench/factor_day.sh (loopback only): the admin proposes a
// change of one factor, waits for its preview, applies it.  Prints the change's id after each step.
//   node bench/factor_day.mjs propose KEY VALUE     a draft (the worker previews it)
//   node bench/factor_day.mjs apply ID              套用
const BASE = `http://127.0.0.1:${process.env.PORT}`;
const jar = new Map();
const req = async (p, body) => {
  const r = await fetch(BASE + p, {
    method: body ? 'POST' : 'GET', redirect: 'manual',
    headers: { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    body: body ? new URLSearchParams(body).toString() : undefined,
  });
  for (const c of r.headers.getSetCookie()) { const [kv] = c.split(';'); const i = kv.indexOf('='); jar.set(kv.slice(0, i), kv.slice(i + 1)); }
  return { status: r.status, text: await r.text(), location: r.headers.get('location') };
};
const csrf = (html) => html.match(/name="csrf" value="([0-9a-f]{64})"/)[1];

const home = await req('/');
const login = await req('/login', { csrf: csrf(home.text), county: '', account: 'admin', password: 'cityinv-demo' });
if (login.status !== 303) throw new Error(`admin login: ${login.status}`);
const [cmd, a, b] = process.argv.slice(2);
if (cmd === 'propose') {
  const page = await req('/admin/factors');
  const r = await req('/admin/factors', { csrf: csrf(page.text), action: 'propose', key: a, value: b, confidence: 'official', source: 'bench/factor_day.sh' });
  if (r.status !== 303) throw new Error(`propose: ${r.status}`);
  console.log(r.location.match(/id=(\d+)$/)[1]);
} else if (cmd === 'apply') {
  const page = await req(`/admin/factors/change?id=${a}`);
  const r = await req('/admin/factors/change', { csrf: csrf(page.text), action: 'apply', id: a });
  if (r.status !== 303) throw new Error(`apply: ${r.status}`);
  console.log(a);
} else {
  throw new Error('usage: factor_day.mjs propose KEY VALUE | apply ID');
}
