// driver.mjs opens a page in headless Chromium and prints, one JSON string
// per line on stdout, every entry the page pushes to window.log, until its
// stdin closes or its budget runs out (then it exits with status 2). It is
// run by TestSockJSClientInChromium:
//
//   node driver.mjs <modules dir> <chromium> <page url> <budget ms>
import { createRequire } from 'node:module';
import path from 'node:path';

const [modules, chromiumPath, pageURL, budget] = process.argv.slice(2);
const { chromium } = createRequire(path.join(modules, 'noop.js'))('playwright-core');

let browser = null;
let done = false;
const finish = async (status) => {
  done = true;
  await Promise.race([browser?.close(), new Promise((r) => setTimeout(r, 3000))]).catch(() => {});
  process.exit(status);
};
setTimeout(() => finish(2), Number(budget));
process.stdin.on('end', () => finish(0));
process.stdin.resume();

browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  timeout: 30000,
});
const page = await browser.newPage();
page.on('pageerror', (e) => process.stdout.write(JSON.stringify('pageerror: ' + e.message) + '\n'));
await page.goto(pageURL);
let seen = 0;
while (!done) {
  const entries = await page.evaluate((from) => (window.log || []).slice(from), seen).catch(() => []);
  for (const e of entries) process.stdout.write(JSON.stringify(e) + '\n');
  seen += entries.length;
  await new Promise((r) => setTimeout(r, 50));
}
