// A guest in the club page (Chromium, playwright-core): Anna signs in and
// sets a table; a visitor who has not signed in sees the lobby as a guest,
// watches Anna's table, is asked to sign in when trying to sit, and signs
// in from that prompt. Waits on the page's state only.
// Usage: node guest.mjs <url> <chromium> <playwright-core/index.mjs> <shots dir>
import { launch, watcher } from './browser.mjs';

const [url, chromiumPath, playwright, shots] = process.argv.slice(2);
const { chromium } = await import(playwright);
const out = { lobby: false, lobbyBar: '', watched: false, prompted: false, signedIn: false, table: '', errors: [] };
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
try {
  const anna = await open('Anna', { width: 1280, height: 900 });
  // Anna signs in on the page where she was a guest, and her socket token
  // comes late: between her socket's opening and its welcome "Set a table"
  // must wait (a click there was dropped, and no dialog came)
  await anna.route('**/api/token', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await anna.locator('#dev-name').fill('Anna');
  await anna.locator('#dev-form button[type=submit]').click();
  await anna.locator('#conn.open').waitFor();
  await anna.locator('#set-table').click();
  await anna.locator('#conventions-ok').click();
  await anna.locator('#table[data-state=waiting] .seat.mine').waitFor();
  out.table = await anna.locator('#table').getAttribute('data-table');

  const guest = await open('guest', { width: 390, height: 844 });
  // signed out: what the club is and the ways in, and the lobby below
  await guest.locator('#signin:not([hidden]) #dev-form').waitFor();
  await guest.locator(`#club:not([hidden]) .lobby-table[data-table="${out.table}"]`).waitFor();
  out.lobby = true;
  out.lobbyBar = (await guest.locator('#lobby-bar').textContent()).trim(); // no table being set: no count of them
  await guest.locator(`.lobby-table[data-table="${out.table}"] button.watch`).click();
  await guest.locator(`#table:not([hidden])[data-table="${out.table}"]`).waitFor();
  out.watched = true;
  await guest.screenshot({ path: `${shots}/guest-watching-phone.png`, fullPage: true });
  await guest.locator(`.lobby-table[data-table="${out.table}"] button.sit`).first().click();
  await guest.locator('#dialog-wrap:not([hidden]) #dev-form-prompt').waitFor();
  out.prompted = true;
  await guest.screenshot({ path: `${shots}/guest-prompt-phone.png` });
  await guest.locator('#dev-form-prompt-name').fill('Boris');
  await guest.locator('#dev-form-prompt button[type=submit]').click();
  await guest.locator('#dialog-wrap').waitFor({ state: 'hidden' });
  await guest.locator('#signin').waitFor({ state: 'hidden' });
  await guest.locator('#online .chip', { hasText: 'Boris' }).waitFor();
  out.signedIn = true;
} catch (e) {
  out.errors.push(String(e && e.stack ? e.stack : e));
  await watched.explain();
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
