// driver.mjs runs sockjs-client in headless Chromium against the test server
// of browser_test.go and prints one JSON object per line on stdout for every
// step: {"run", "transport", "case", ...}. It is run by TestBrowserTransports:
//
//   node driver.mjs config.json
//
// config.json: {"control": "http://127.0.0.1:port", "modules": "/path/static/node_modules",
//   "chromium": "/usr/bin/chromium", "runs": [{"name", "page", "endpoint",
//   "transports": [{"name", "opens"}]}], "payloads": [{"name", "text"}], "burst": n,
//   "closeCommand": "...", "stepMs": n, "echoMs": n, "budgetMs": n,
//   "sizeCases": [{"name", "messages": [...]}], "overMessage": "..."}
//
// A run with "sizes": true runs only the message-size cases (runSizes).
//
// A run opens its page (a URL) and connects to its endpoint (a SockJS URL)
// with each transport; a transport expected not to open ("opens": false) is
// only tried. Every wait is bounded; the script always exits by itself, with
// status 2 when its overall budget ran out.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(path.join(config.modules, 'noop.js'));
const { chromium } = require('playwright-core');

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

let browser = null;
const watchdog = setTimeout(async () => {
  emit({ run: '', transport: '', case: 'driver', error: `overall budget of ${config.budgetMs} ms ran out` });
  await Promise.race([browser?.close(), sleep(3000)]).catch(() => {});
  process.exit(2);
}, config.budgetMs);

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// bounded runs promise p, failing after ms.
async function bounded(p, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// browserHelpers is installed in every page: window.T drives SockJS
// connections by key and resolves every wait with a result, never hanging
// past its own timeout.
function browserHelpers() {
  const T = {
    socks: {},
    open(key, url, transport, ms) {
      return new Promise((resolve) => {
        let sock;
        try {
          // timeout: sockjs-client gives a transport rto*roundTrips to open
          // (rto from the /info round trip: about a second on loopback) and
          // then gives up with 2000 "All transports failed"; on a loaded
          // machine an iframe transport takes longer than that. The open
          // waits as long as the driver does (ms) instead.
          sock = new SockJS(url, null, { transports: [transport], timeout: ms });
        } catch (e) {
          resolve({ ok: false, error: 'new SockJS: ' + e });
          return;
        }
        const st = { sock, queue: [], waiters: [], close: null, closeWaiters: [] };
        T.socks[key] = st;
        const timer = setTimeout(() => resolve({ ok: false, error: `not open after ${ms} ms`, readyState: sock.readyState }), ms);
        sock.onopen = () => {
          clearTimeout(timer);
          resolve({ ok: true, clientTransport: sock.transport });
        };
        sock.onmessage = (e) => {
          const w = st.waiters.shift();
          if (w) w(e.data);
          else st.queue.push(e.data);
        };
        sock.onclose = (e) => {
          st.close = { code: e.code, reason: e.reason, wasClean: e.wasClean };
          clearTimeout(timer);
          resolve({ ok: false, error: 'closed before open', close: st.close });
          for (const w of st.closeWaiters.splice(0)) w(st.close);
          for (const w of st.waiters.splice(0)) w(undefined);
        };
      });
    },
    // next resolves with the next message, or {timeout} / {closed}.
    next(key, ms) {
      const st = T.socks[key];
      if (st.queue.length) return Promise.resolve({ data: st.queue.shift() });
      if (st.close) return Promise.resolve({ closed: st.close });
      return new Promise((resolve) => {
        let w;
        const timer = setTimeout(() => {
          st.waiters.splice(st.waiters.indexOf(w), 1);
          resolve({ timeout: true });
        }, ms);
        w = (data) => {
          clearTimeout(timer);
          resolve(data === undefined ? { closed: st.close } : { data });
        };
        st.waiters.push(w);
      });
    },
    async echo(key, text, ms) {
      T.socks[key].sock.send(text);
      const r = await T.next(key, ms);
      if (r.data === undefined) return { ok: false, error: r.timeout ? `no echo in ${ms} ms` : 'closed: ' + JSON.stringify(r.closed) };
      return { ok: true, echoed: r.data, same: r.data === text };
    },
    // burst sends n messages at once and collects n answers.
    async burst(key, n, ms) {
      const sent = [];
      for (let i = 0; i < n; i++) sent.push(`burst ${i} ${'x'.repeat(i)}`);
      for (const m of sent) T.socks[key].sock.send(m);
      const got = [];
      const deadline = Date.now() + ms;
      while (got.length < n) {
        const r = await T.next(key, Math.max(1, deadline - Date.now()));
        if (r.data === undefined) return { ok: false, error: `got ${got.length} of ${n}`, sent, echoed: got };
        got.push(r.data);
      }
      return { ok: true, sent, echoed: got };
    },
    // many sends every message at once and collects as many answers,
    // reporting where they differ (the messages are too big to print).
    async many(key, msgs, ms) {
      for (const m of msgs) T.socks[key].sock.send(m);
      const deadline = Date.now() + ms;
      const bad = [];
      for (let i = 0; i < msgs.length; i++) {
        const r = await T.next(key, Math.max(1, deadline - Date.now()));
        if (r.data === undefined) {
          return { ok: false, error: `got ${i} of ${msgs.length} back: ` + (r.timeout ? 'timeout' : 'closed ' + JSON.stringify(r.closed)) };
        }
        if (r.data !== msgs[i]) bad.push(i);
      }
      return { ok: true, count: msgs.length, bad };
    },
    // sendAndWaitClose sends msg and waits for the connection to close.
    sendAndWaitClose(key, msg, ms) {
      T.socks[key].sock.send(msg);
      return T.waitClose(key, ms);
    },
    waitClose(key, ms) {
      const st = T.socks[key];
      if (st.close) return Promise.resolve({ ok: true, close: st.close });
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ ok: false, error: `no close event in ${ms} ms` }), ms);
        st.closeWaiters.push((close) => {
          clearTimeout(timer);
          resolve({ ok: true, close });
        });
      });
    },
    // close closes from the client side and waits for the close event.
    close(key, ms) {
      T.socks[key].sock.close();
      return T.waitClose(key, ms);
    },
    version() {
      return typeof SockJS === 'function' ? SockJS.version : null;
    },
  };
  window.T = T;
}

// runSizes runs the message-size cases of one transport: every case of
// config.sizeCases on one connection, whose messages are all sent at once
// and must come back whole, then one message over the limit on a second
// connection, which must be refused.
async function runSizes(run, page, transport, report) {
  const step = config.stepMs;
  const call = (what, fn, arg) => bounded(page.evaluate(fn, arg), step + 2000, what);
  const url = (id, role) => `${run.endpoint}?conn=${encodeURIComponent(id)}&role=${role}`;
  const id = `${run.name}.${transport}.sizes`;
  const opened = await call('open', ([k, u, t, ms]) => T.open(k, u, t, ms), ['sizes', url(id, 'echo'), transport, step]);
  report('open', { conn: id, ...opened });
  if (opened.ok) {
    for (const c of config.sizeCases) {
      report('size/' + c.name, await call('size ' + c.name, ([k, msgs, ms]) => T.many(k, msgs, ms), ['sizes', c.messages, step]));
    }
    report('client-close', await call('client close', ([k, ms]) => T.close(k, ms), ['sizes', step]));
  }
  const overID = `${run.name}.${transport}.over`;
  const opened2 = await call('open', ([k, u, t, ms]) => T.open(k, u, t, ms), ['over', url(overID, 'echo'), transport, step]);
  report('open-second', { conn: overID, ...opened2 });
  if (opened2.ok) {
    report('over', await call('over', ([k, m, ms]) => T.sendAndWaitClose(k, m, ms), ['over', config.overMessage, step]));
  }
}

// runTransport runs every case of one transport in a fresh browser context.
async function runTransport(run, { name: transport, opens }) {
  const step = config.stepMs;
  const report = (c, r) => emit({ ...r, run: run.name, transport, case: c });
  const context = await browser.newContext();
  const pageErrors = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push('console: ' + m.text());
    });
    await page.addInitScript(browserHelpers);
    await bounded(page.goto(run.page), step, 'load test page');
    report('client-version', { version: await page.evaluate(() => T.version()) });

    if (run.sizes) {
      await runSizes(run, page, transport, report);
      return;
    }
    const call = (what, fn, arg) => bounded(page.evaluate(fn, arg), step + 2000, what);
    const url = (id, role) => `${run.endpoint}?conn=${encodeURIComponent(id)}&role=${role}`;

    // Echo connection: open, echo every payload, a burst, then a client close.
    const echoID = `${run.name}.${transport}.echo`;
    const opened = await call('open', ([k, u, t, ms]) => T.open(k, u, t, ms), ['echo', url(echoID, 'echo'), transport, step]);
    report('open', { conn: echoID, ...opened });
    if (!opens) return;
    if (opened.ok) {
      for (const p of config.payloads) {
        const r = await call('echo ' + p.name, ([k, text, ms]) => T.echo(k, text, ms), ['echo', p.text, config.echoMs]);
        report('echo/' + p.name, r);
      }
      report('burst', await call('burst', ([k, n, ms]) => T.burst(k, n, ms), ['echo', config.burst, step]));
      const closed = await call('client close', ([k, ms]) => T.close(k, ms), ['echo', step]);
      report('client-close', closed);
      // Wait, with the browser still up, until the server has run OnClose.
      const t0 = Date.now();
      const res = await bounded(fetch(`${config.control}/test/closed?conn=${encodeURIComponent(echoID)}&wait=${step}`), step + 2000, 'server close status');
      report('server-saw-close', { server: await res.json(), afterMs: Date.now() - t0 });
    }

    // Server-close connection: the server closes it on closeCommand.
    const closeID = `${run.name}.${transport}.close`;
    const opened2 = await call('open', ([k, u, t, ms]) => T.open(k, u, t, ms), ['close', url(closeID, 'close'), transport, step]);
    report('open-second', { conn: closeID, ...opened2 });
    if (opened2.ok) {
      const r = await call('server close', async ([k, cmd, ms]) => {
        T.socks[k].sock.send(cmd);
        return T.waitClose(k, ms);
      }, ['close', config.closeCommand, step]);
      report('server-close', r);
    }
  } catch (e) {
    report('driver', { error: String(e && e.stack ? e.stack : e) });
  } finally {
    report('page-errors', { errors: pageErrors });
    await bounded(context.close(), 5000, 'close context').catch(() => {});
  }
}

try {
  browser = await bounded(chromium.launch({
    executablePath: config.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 30000,
  }), 35000, 'launch chromium');
  emit({ run: '', transport: '', case: 'browser', version: browser.version() });
  for (const run of config.runs) {
    for (const t of run.transports) {
      await runTransport(run, t);
    }
  }
} catch (e) {
  emit({ run: '', transport: '', case: 'driver', error: String(e && e.stack ? e.stack : e) });
  process.exitCode = 1;
} finally {
  if (browser) await bounded(browser.close(), 10000, 'close browser').catch(() => {});
  clearTimeout(watchdog);
  emit({ run: '', transport: '', case: 'done' });
}
