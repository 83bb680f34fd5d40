// reconnect.mjs drives two chat pages in headless Chromium for
// TestPageRecoversMissedLinesInChromium (browser_test.go):
//
//   node testdata/reconnect.mjs config.json
//
// config.json: {"modules": "/path/static/node_modules", "chromium": "/usr/bin/chromium",
//   "ann": "http://127.0.0.1:port/", "bob": "http://127.0.0.1:port/", "stepMs": n, "budgetMs": n}
//
// ann's page is on one process, bob's on the other. The script has the
// test drop bob's connection (and refuse new ones), has ann say two lines
// and bob type one while away, lets bob back in, and waits for bob's page
// to show what it recovered. Then bob's process loses a line on its way
// from the broker, and the script waits for bob's page to resync. Last,
// more lines than the room keeps are said while bob is away, and his page
// must say it could not recover them. It prints one JSON object, {"bob": [log
// lines], "ann": [log lines]} or {"error": "..."}, and exits by itself
// (status 2 when its budget ran out).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(path.join(config.modules, 'noop.js'));
const { chromium } = require('playwright-core');

let browser = null;
const pages = {};
async function logs() {
  const out = {};
  for (const [name, page] of Object.entries(pages)) {
    out[name] = await page.$$eval('#log div', (ds) => ds.map((d) => d.textContent)).catch((e) => [String(e)]);
  }
  return out;
}
async function finish(obj, status) {
  process.stdout.write(JSON.stringify(Object.assign(await logs(), obj)) + '\n');
  await browser?.close().catch(() => {});
  process.exit(status);
}
setTimeout(() => finish({ error: `budget of ${config.budgetMs} ms ran out` }, 2), config.budgetMs);

// until waits for the page's log (or status line) to contain text.
async function until(name, text, where = '#log') {
  await pages[name].waitForFunction(
    ([sel, t]) => document.querySelector(sel).textContent.includes(t),
    [where, text], { timeout: config.stepMs, polling: 50 },
  ).catch(() => { throw new Error(`${name}: waited ${config.stepMs} ms for ${where} to show ${JSON.stringify(text)}`); });
}
async function join(name, nick) {
  const p = pages[name];
  await until(name, 'connected (', '#status');
  await p.fill('#join input[name=nick]', nick);
  await p.fill('#join input[name=room]', 'lobby');
  await p.click('#join button');
}
async function say(name, text) {
  await pages[name].fill('#say input[name=text]', text);
  await pages[name].click('#say button');
}
async function control(what) {
  const r = await fetch(config.bob + 'test/' + what, { method: 'POST' });
  if (!r.ok) throw new Error(`test/${what}: ${r.status}`);
}

try {
  browser = await chromium.launch({ executablePath: config.chromium, args: ['--no-sandbox'] });
  for (const name of ['ann', 'bob']) {
    pages[name] = await (await browser.newContext()).newPage();
    await pages[name].goto(config[name]);
  }
  await join('ann', 'ann');
  await until('ann', 'in lobby: ann');
  await join('bob', 'bob');
  await until('bob', 'bob joined lobby');
  await until('ann', 'bob joined lobby');

  await control('drop');
  await until('bob', 'disconnected', '#status');
  await until('ann', 'bob left lobby');
  await say('ann', 'one');
  await say('ann', 'two');
  await until('ann', 'ann: two');
  await say('bob', 'typed while away');
  await until('bob', '(not sent yet) typed while away');

  await control('reopen');
  await until('bob', 'missed line(s) recovered');
  await until('ann', 'bob: typed while away');
  await until('bob', 'bob: typed while away');

  // Lines lost on the way to bob's process (a broker gap): the next line
  // shows a jump in offsets and bob's page resyncs.
  await control('lose');
  await say('ann', 'three');
  await until('ann', 'ann: three');
  await control('unlose');
  await say('ann', 'four');
  await until('bob', 'ann: four');

  // More lines than the room keeps while bob is away: his page says it
  // could not recover them, then goes on.
  await control('drop');
  await until('bob', 'disconnected', '#status');
  await control('flood');
  await control('reopen');
  await until('bob', 'could not be recovered');
  await say('ann', 'five');
  await until('bob', 'ann: five');
  await finish({}, 0);
} catch (e) {
  await finish({ error: String(e && e.message || e) }, 1);
}
