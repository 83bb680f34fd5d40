// One player in the club page (Chromium, playwright-core): signs in with
// the dev sign-in, sets a four-player Leningrad table through the dialog,
// seats three bots and plays the first deal through the page until the
// score sheet shows it. Waits on the page's state only.
// Usage: node bots.mjs <url> <chromium> <playwright-core/index.mjs> <shots dir>
import { launch, watcher } from './browser.mjs';

const [url, chromiumPath, playwright, shots] = process.argv.slice(2);
const { chromium } = await import(playwright);
const out = { banks: 0, bankText: '', soundOff: false, signedIn: false, players: 0, moves: 0, sitsOut: false, lastDeal: '', sheet: '', signinPage: '', errors: [] };
const browser = await launch(chromium, chromiumPath);
const watched = watcher(out);
const ACTIONABLE = '#actions button.move:not([disabled]), #hand button.card:not([disabled]), .open-hand button.card:not([disabled])';
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  watched.watch(page, 'Anna');
  await page.goto(url);
  await page.locator('#dev-form').waitFor();
  out.signinPage = await page.locator('#signin').textContent();
  await page.screenshot({ path: `${shots}/signin.png` });
  await page.locator('#dev-name').fill('Anna');
  await page.locator('#dev-form button[type=submit]').click();
  await page.locator('#conn.open').waitFor();
  out.signedIn = true;
  await page.locator('#set-table').click();
  await page.locator('.preset[data-preset=leningrad]').click();
  await page.locator('.preset[data-preset=leningrad][aria-checked=true]').waitFor();
  await page.locator('#opt-players').fill('4');
  await page.locator('#opt-timeout_action').selectOption('auto-pass');
  await page.locator('#opt-time_bank').fill('120'); // the time bank shows at every seat
  await page.screenshot({ path: `${shots}/dialog.png` });
  await page.locator('#conventions-ok').click();
  await page.locator('#table[data-state=waiting] .seat.mine').waitFor();
  for (let k = 0; k < 3; k++) {
    await page.locator('#felt button.add-bot').first().click();
    await page.waitForFunction((n) => document.querySelectorAll('#felt button.add-bot').length === n || document.querySelector('#table[data-state=playing]'), 2 - k);
  }
  await page.locator('#table[data-state=playing]').waitFor();
  out.players = await page.locator('#felt .seat').count();
  await page.locator('#felt .tag.dealer').waitFor();
  out.sitsOut = (await page.locator('#felt .tag.dealer').textContent()).includes('прикупе');
  await page.locator('#felt .clock[data-bank]').first().waitFor();
  out.banks = await page.locator('#felt .nameplate .bank').count() + await page.locator('#felt .clock[data-bank]').count();
  out.bankText = await page.locator('#felt .clock[data-bank]').first().textContent();
  out.soundOff = !(await page.locator('#sound').isChecked());
  // the dealer (Anna, seat 0) sits out deal 1; she plays deal 2
  for (let step = 0; step < 200; step++) {
    await page.waitForFunction((sel) => document.querySelector(sel) || document.querySelector('#last-deal').dataset.no === '2', ACTIONABLE);
    if (await page.locator('#last-deal').getAttribute('data-no') === '2') break;
    const v = Number(await page.locator('#table').getAttribute('data-v'));
    if (await page.locator('#actions button.discard').count()) {
      await page.locator('#hand button.card:not(.picked)').first().click();
      await page.locator('#hand button.card.picked').waitFor();
      await page.locator('#hand button.card:not(.picked)').first().click();
      await page.locator('#hand button.card.picked').nth(1).waitFor();
      await page.locator('#actions button.discard:not([disabled])').click();
    } else if (await page.locator('#actions button.move:not([disabled])').count()) {
      await page.locator('#actions button.move:not([disabled])').first().click();
    } else {
      await page.locator('#hand button.card:not([disabled]), .open-hand button.card:not([disabled])').first().click();
    }
    out.moves++;
    await page.waitForFunction((old) => Number(document.querySelector('#table').dataset.v) > old, v);
  }
  out.lastDeal = await page.locator('#last-deal').textContent();
  await page.locator('#sheet svg').waitFor();
  out.sheet = await page.locator('#sheet svg').textContent();
  await page.screenshot({ path: `${shots}/four-players.png`, fullPage: true });
} catch (e) {
  out.errors.push(String(e && e.stack ? e.stack : e));
  await watched.explain();
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
