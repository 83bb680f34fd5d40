// Drives the club's own pages in Chromium (playwright-core), signed out: the
// main page's news (rating top, latest pulkas), a pulka's replay stepped
// through with the keyboard, a player's profile with the rating plot; on a
// desktop and on a 390 px phone. Waits on the page's state only.
// Usage: node pages.mjs <url> <chromium> <playwright-core/index.mjs> <shots dir>
import { launch, watcher } from './browser.mjs';

const [url, chromiumPath, playwright, shots] = process.argv.slice(2);
const { chromium } = await import(playwright);
const out = { top: 0, latest: 0, faces: [], steps: 0, trickSeen: false, dealAfterDown: '', hash: '', plotDots: 0, games: 0,
  profileName: '', russian: '', widths: {}, smallTargets: [], errors: [], shots: [] };
const browser = await launch(chromium, chromiumPath);
const watched = watcher(out);

async function open(viewport, who) {
  const ctx = await browser.newContext({ viewport, locale: 'en-GB' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  watched.watch(page, who);
  return page;
}

const width = (page) => page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
const faces = (page) => page.locator('#replay-felt .card:not(.back)').count();
const shot = async (page, name, full) => { await page.screenshot({ path: `${shots}/${name}`, fullPage: !!full }); out.shots.push(name); };

try {
  for (const [who, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const page = await open(viewport, who);
    await page.goto(url);
    // the main page, signed out: what the club is, the way in, and its news
    // (a server with guests shows the lobby with the news, one without the sign-in page)
    await page.locator('.news .ratings tbody tr:visible').first().waitFor();
    await page.locator('.news .pulka-item:visible').first().waitFor();
    if (who === 'desktop') {
      out.top = await page.locator('.news .ratings tbody tr:visible').count();
      out.latest = await page.locator('.news .pulka-item:visible').count();
    }
    await shot(page, `main-${who}.png`, true);
    out.widths[`main ${who}`] = await width(page);

    // the newest pulka's replay: every hand face up as dealt
    await page.locator('.news .pulka-item .replay-link:visible').first().click();
    await page.locator('#replay-felt').waitFor();
    await page.locator('#step-no[data-step="0"]').waitFor();
    out.faces.push(await faces(page));
    // step with the arrow key until a card lies in the trick
    for (let k = 1; k <= 60; k++) {
      await page.keyboard.press('ArrowRight');
      await page.locator(`#step-no[data-step="${k}"]`).waitFor();
      if (who === 'desktop') out.steps = k;
      if (await page.locator('#replay-felt .trick .played').count()) {
        if (who === 'desktop') out.trickSeen = true;
        await page.keyboard.press('ArrowRight');
        await page.locator(`#step-no[data-step="${k + 1}"]`).waitFor();
        break;
      }
    }
    await shot(page, `replay-${who}.png`, who === 'phone');
    out.widths[`replay ${who}`] = await width(page);
    // the down arrow: the next deal, from its start
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => /^#\/pulka\/\d+\/2\/0$/.test(location.hash));
    await page.locator('#step-no[data-step="0"]').waitFor();
    if (who === 'desktop') {
      out.hash = await page.evaluate(() => location.hash);
      out.dealAfterDown = out.hash.split('/')[3];
      // the same in Russian
      await page.locator('#lang button[lang=ru]').click();
      await page.locator('.deal-no', { hasText: 'Сдача 2' }).waitFor();
      out.russian = await page.locator('.deal-no').textContent();
      await page.locator('#lang button[lang=en]').click();
      await page.locator('.deal-no', { hasText: 'Deal 2' }).waitFor();
    }

    // a player's profile from the replay's header: the rating plotted
    await page.locator('.page-head .res a.plink').first().click();
    await page.locator('#rating-plot svg .plot-line').waitFor();
    if (who === 'desktop') {
      out.plotDots = await page.locator('#rating-plot svg .plot-dot').count();
      out.games = await page.locator('#page-body .pulkas .pulka-item').count();
      out.profileName = await page.locator('#profile-name').textContent();
    }
    await shot(page, `profile-${who}.png`, true);
    out.widths[`profile ${who}`] = await width(page);
    if (who === 'phone') {
      out.smallTargets = await page.evaluate(() => [...document.querySelectorAll('button, .btn, summary')]
        .filter((b) => b.offsetParent !== null && !b.closest('.hand'))
        .map((b) => { const r = b.getBoundingClientRect(); return [b.textContent.trim().slice(0, 20), Math.round(r.width), Math.round(r.height)]; })
        .filter(([, w, h]) => w < 44 || h < 44));
    }
    // back to the club: the sign-in page, or the lobby for a guest
    await page.locator('#page-back').click();
    await page.locator('#signin:not([hidden]), #club:not([hidden])').first().waitFor();
  }
} catch (e) {
  out.errors.push(String(e && e.stack ? e.stack : e));
  await watched.explain();
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
