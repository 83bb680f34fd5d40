// The lobby page of a big club (Chromium, playwright-core): a page of
// tables with counts, "More tables", the "Waiting" filter, the first names
// online and "+n more"; a guest on a phone sees Anna's new table come as
// a delta. On a desktop, a phone and beside an open table, "Watch" shares
// a line with a table's head or seats, no row overflows, and a head breaks
// between its phrases only. Waits on the page's state only (locators,
// waitForFunction).
// Usage: node lobby.mjs <url> <chromium> <playwright-core/index.mjs> <shots dir>
import { launch, watcher } from './browser.mjs';

const [url, chromiumPath, playwright, shots] = process.argv.slice(2);
const { chromium } = await import(playwright);
const out = { desktop: null, phone: null, atTable: null, first: 0, firstState: '', shown: '', counts: '', afterMore: 0, waiting: 0, names: 0, afterMoreNames: 0, guestSawSet: 0, onlineText: '', errors: [] };
const browser = await launch(chromium, chromiumPath);
const watched = watcher(out);
async function open(who, viewport) {
  const ctx = await browser.newContext({ viewport, locale: 'en-GB' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  watched.watch(page, who);
  await page.goto(url);
  return page;
}
const rows = (page, n) => page.waitForFunction((n) => document.querySelectorAll('#tables .lobby-table').length === n, n);
// layout measures the rows of the lobby shown: how many have "Watch" on a
// line of its own (beside neither the table's head nor its seats) or
// overflow sideways, the phrases of a head broken over two lines ("60 s"
// on one, "a move" on the next), the rows whose deals and watchers run
// together ("deals: 2 8 watching"), and the tallest row's height.
const layout = (page) => page.evaluate(() => {
  const out = { watchApart: 0, overflowing: 0, brokenPhrases: 0, runTogether: 0, tallest: 0 };
  for (const row of document.querySelectorAll('#tables .lobby-table')) {
    const watch = row.querySelector('.watch').getBoundingClientRect();
    const parts = [row.querySelector('.lt-head'), row.querySelector('.lt-seats')].filter(Boolean).map((e) => e.getBoundingClientRect());
    if (!parts.some((r) => watch.top < r.bottom && watch.bottom > r.top)) out.watchApart++;
    if (row.scrollWidth > row.clientWidth) out.overflowing++;
    out.tallest = Math.max(out.tallest, Math.round(row.getBoundingClientRect().height));
    const head = row.querySelector('.lt-head');
    const texts = document.createTreeWalker(head, NodeFilter.SHOW_TEXT);
    for (let n = texts.nextNode(); n; n = texts.nextNode()) {
      const re = /[^·]+/g; // the phrases of a text, between its " · "
      for (let m = re.exec(n.data); m; m = re.exec(n.data)) {
        const lead = m[0].length - m[0].trimStart().length, phrase = m[0].trim();
        if (!phrase) continue;
        const r = document.createRange();
        r.setStart(n, m.index + lead);
        r.setEnd(n, m.index + lead + phrase.length);
        if (new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1) out.brokenPhrases++;
      }
    }
    if (/deals: \d+\s*\d+ watching/.test(head.textContent)) out.runTogether++;
  }
  return out;
});
try {
  const guest = await open('guest', { width: 390, height: 844 });
  await guest.locator('#club:not([hidden]) .lobby-table').first().waitFor();
  await rows(guest, 50);

  const anna = await open('Anna', { width: 1280, height: 900 });
  await anna.locator('#dev-name').fill('Anna');
  await anna.locator('#dev-form button[type=submit]').click();
  await anna.locator('#conn.open').waitFor();
  await rows(anna, 50);
  out.first = await anna.locator('#tables .lobby-table').count();
  out.firstState = (await anna.locator('#tables .lobby-table').first().getAttribute('class')).replace(/.*state-/, '');
  out.shown = (await anna.locator('#tables-more .hint').textContent()).trim();
  out.counts = (await anna.locator('#lobby-bar').textContent()).trim();
  await anna.waitForFunction(() => document.querySelectorAll('#online span.chip').length === 50);
  out.names = await anna.locator('#online span.chip').count();
  out.desktop = await layout(anna);
  await anna.screenshot({ path: `${shots}/lobby-desktop.png` });

  await anna.locator('#more-tables').click();
  await rows(anna, 100);
  out.afterMore = await anna.locator('#tables .lobby-table').count();

  await anna.locator('#lobby-bar [data-filter=waiting]').click();
  await rows(anna, 20);
  await anna.locator('#lobby-bar [data-filter=waiting][aria-pressed=true]').waitFor();
  out.waiting = await anna.locator('#tables .lobby-table.state-waiting').count();
  await anna.locator('#tables-more').waitFor({ state: 'hidden' });

  await anna.locator('#more-names').click();
  await anna.waitForFunction(() => document.querySelectorAll('#online span.chip').length === 81);
  out.afterMoreNames = await anna.locator('#online span.chip').count();
  await anna.locator('#more-names').waitFor({ state: 'detached' });
  out.onlineText = (await anna.locator('#online').textContent()).trim();
  await anna.screenshot({ path: `${shots}/lobby-desktop-waiting.png`, fullPage: true });

  // the guest's page: Anna's table comes as a delta (a table being set,
  // after the 20 waiting ones: in the first page)
  await anna.locator('#lobby-bar [data-filter=all]').click();
  await anna.locator('#set-table').click();
  await anna.locator('#conventions-ok').click();
  await anna.locator('#table[data-state=waiting] .seat.mine').waitFor();
  const table = await anna.locator('#table').getAttribute('data-table');
  await guest.locator(`#tables .lobby-table[data-table="${table}"]`).waitFor();
  out.guestSawSet = await guest.locator(`#tables .lobby-table[data-table="${table}"]`).count();
  out.phone = await layout(guest);
  out.atTable = await layout(anna);
  await anna.screenshot({ path: `${shots}/lobby-desktop-at-table.png` });
  await guest.evaluate(() => document.querySelector('#tables .lobby-table.state-playing').scrollIntoView({ block: 'center' }));
  await guest.screenshot({ path: `${shots}/lobby-phone-playing.png` });
  await anna.evaluate(() => document.querySelector('#tables .lobby-table.state-playing').scrollIntoView({ block: 'center' }));
  await anna.screenshot({ path: `${shots}/lobby-desktop-at-table-playing.png` });
  await guest.evaluate(() => document.getElementById('lobby-h').scrollIntoView());
  await guest.screenshot({ path: `${shots}/lobby-phone.png` });
  await guest.evaluate(() => document.getElementById('tables-more').scrollIntoView({ block: 'center' }));
  await guest.screenshot({ path: `${shots}/lobby-phone-more.png` });
} catch (e) {
  out.errors.push(String(e && e.stack ? e.stack : e));
  await watched.explain();
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
