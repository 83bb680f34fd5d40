// Drives the club page in Chromium (playwright-core) as four people would:
// three sign in with the dev sign-in, one sets a Sochi table through the
// conventions dialog, the other two sit from the lobby, a fourth watches;
// they play the whole first deal through the page (bids, talon, discard,
// declaration, whists, ten tricks) until the score sheet shows it. One
// player reloads mid-deal and carries on. Every wait is on the page's state
// (locators, waitForFunction): no sleeps, no element handles kept.
//
// In mode "open" one defender passes and the whister plays open, so the
// whister plays the passer's cards from the open hand.
// Usage: node club.mjs <url> <chromium> <playwright-core/index.mjs> <shots dir> <transports|""> <mode|"">
// Prints one JSON object with what it saw.
import { launch, watcher } from './browser.mjs';

const [url, chromiumPath, playwright, shots, transports, mode] = process.argv.slice(2);
const { chromium } = await import(playwright);

const q = transports ? `?transports=${transports}` : '';
const out = { openPlays: 0, signedIn: [], transport: '', table: '', moves: 0, reloaded: false, resumed: false, lastDeal: '', sheetTexts: '',
  spectator: {}, leaks: [], widths: {}, errors: [], shots: [] };
const NAMES = ['Anna', '__proto__', 'Konstantin Konstantinopolsky'];
const WAIT = 20000;

const browser = await launch(chromium, chromiumPath);
const watched = watcher(out);

async function open(name, viewport) {
  const ctx = await browser.newContext({ viewport, locale: 'en-GB' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(WAIT);
  watched.watch(page, name);
  await page.goto(url + q);
  await page.locator('#dev-name').fill(name);
  await page.locator('#dev-form button[type=submit]').click();
  await page.locator('#conn.open').waitFor();
  await page.locator('#online .chip', { hasText: name.slice(0, 10) }).first().waitFor();
  out.signedIn.push(name);
  return page;
}

// The version of the table a page shows (data-v of the table panel).
const version = (page) => page.locator('#table').getAttribute('data-v').then(Number);

// ACTIONABLE: the page offers this player a move right now.
const ACTIONABLE = '#actions button.move:not([disabled]), #hand button.card:not([disabled]), .open-hand button.card:not([disabled])';

try {
  const anna = await open(NAMES[0], { width: 1280, height: 900 });
  const boris = await open(NAMES[1], { width: 1280, height: 900 });
  const vera = await open(NAMES[2], { width: 390, height: 844 });
  const gleb = await open('Gleb', { width: 1280, height: 900 });
  out.transport = await anna.locator('#conn').getAttribute('data-transport');

  // Anna sets a table: the dialog opens with the presets first; she picks Sochi.
  await anna.locator('#set-table').click();
  await anna.locator('#dialog-wrap:not([hidden])').waitFor();
  await anna.locator('.preset[data-preset=sochi]').click();
  await anna.locator('.preset[data-preset=sochi][aria-checked=true]').waitFor();
  await anna.locator('#dialog .clock').waitFor(); // the countdown is visible
  await anna.locator('#conventions-ok').click();
  await anna.locator('#dialog-wrap').waitFor({ state: 'hidden' });
  await anna.locator('#table[data-state=waiting] .seat.mine').waitFor();
  out.table = await anna.locator('#table').getAttribute('data-table');

  // The others sit from the lobby; the spectator watches.
  for (const p of [boris, vera]) {
    await p.locator(`.lobby-table[data-table="${out.table}"] button.sit`).first().click();
    await p.locator('#table .seat.mine').waitFor();
  }
  await gleb.locator(`.lobby-table[data-table="${out.table}"] button.watch`).click();
  await gleb.locator('#table:not([hidden])').waitFor();
  await anna.locator('#table[data-state=playing]').waitFor();
  await anna.screenshot({ path: `${shots}/lobby-and-table-start.png` });
  out.shots.push('lobby-and-table-start.png');

  const pages = [anna, boris, vera];
  const bySeat = new Map();
  for (const pg of pages) bySeat.set(await pg.locator('#felt .seat.mine').getAttribute('data-seat'), pg);
  let plays = 0;
  for (let step = 0; step < 80; step++) {
    // Whose move is it? Anna's page shows the acting seat, or the deal is over.
    await anna.waitForFunction(() => document.querySelector('#felt .seat.acting') || document.querySelector('#last-deal').textContent);
    if (await anna.locator('#last-deal').textContent()) break;
    const v = await version(anna);
    const actor = await anna.locator('#felt .seat.acting').getAttribute('data-seat');
    const p = bySeat.get(actor);
    if (!p) throw new Error(`no page for the acting seat ${actor}`);
    // The player's page offers the move, or it played a forced last card
    // by itself (the table moved on): whichever comes first.
    const ready = await Promise.race([
      p.locator(ACTIONABLE).first().waitFor().then(() => 'act', () => 'timeout'),
      anna.waitForFunction((old) => Number(document.querySelector('#table').dataset.v) > old, v).then(() => 'moved', () => 'timeout'),
    ]);
    if (ready === 'timeout') throw new Error(`seat ${actor} was offered no move`);
    if (ready === 'moved') { out.forced = (out.forced || 0) + 1; continue; }
    const move = p.locator('#actions button.move:not([disabled])');
    if (await p.locator('#actions button.discard').count()) {
      await p.locator('#hand button.card:not(.picked)').first().click();
      await p.locator('#hand button.card.picked').waitFor();
      await p.locator('#hand button.card:not(.picked)').first().click();
      await p.locator('#hand button.card.picked').nth(1).waitFor();
      await p.locator('#actions button.discard:not([disabled])').click();
    } else if (await p.locator('#actions .bid-grid button.move').count()) {
      // Anna bids the lowest bid; the others pass
      if (p === anna && !out.shots.includes('bidding.png')) {
        await anna.screenshot({ path: `${shots}/bidding.png` });
        out.shots.push('bidding.png');
      }
      if (p === anna) await p.locator('#actions .bid-grid button.move').first().click();
      else await p.locator('#actions button.move.pass').click();
    } else if (await p.locator('#actions button.move[data-kind=declare]').count()) {
      await p.locator('#actions button.move[data-kind=declare]').first().click();
    } else if (await p.locator('#actions button.move[data-kind=closed]').count()) {
      await p.locator(`#actions button.move[data-kind=${mode === 'open' ? 'open' : 'closed'}]`).click();
    } else if (mode === 'open' && p === vera && await p.locator('#actions button.move[data-kind=pass]').count()) {
      await p.locator('#actions button.move[data-kind=pass]').click();
    } else if (await p.locator('#actions button.move[data-kind=whist]').count()) {
      await p.locator('#actions button.move[data-kind=whist]').click();
    } else if (await move.count()) {
      await move.first().click();
    } else {
      // a card: the page highlights only legal ones, and only those are buttons
      const fromOpen = await p.locator('.open-hand button.card:not([disabled])').count();
      if (fromOpen) out.openPlays++;
      const legalCard = p.locator(fromOpen ? '.open-hand button.card:not([disabled])' : '#hand button.card:not([disabled])').first();
      const dimmed = await p.locator('#hand .card.dim').count();
      if (dimmed) out.dimmedSeen = true;
      await legalCard.click();
      plays++;
      if (plays === 4) {
        // mid-trick: the screenshots of the table, desktop and phone
        await anna.locator('#felt .trick .played').first().waitFor();
        await anna.screenshot({ path: `${shots}/table-mid-trick-desktop.png` });
        await vera.screenshot({ path: `${shots}/table-mid-trick-phone.png`, fullPage: true });
        out.shots.push('table-mid-trick-desktop.png', 'table-mid-trick-phone.png');
        for (const [n, pg] of [['phone mid-trick', vera], ['desktop mid-trick', anna], ['spectator mid-trick', gleb]]) {
          out.widths[n] = await pg.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        }
        // the spectator sees backs and the trick, no hidden card, no move
        out.spectator = {
          faces: await gleb.locator('#felt .seat .hand .card:not(.back)').count(),
          backs: await gleb.locator('#felt .seat .hand.backs .card.back').count(),
          moves: await gleb.locator(ACTIONABLE).count(),
          myHand: await gleb.locator('#hand .card').count(),
          trick: await gleb.locator('#felt .trick .played').count(),
          note: await gleb.locator('#status').textContent(),
        };
        // the players left the lobby's feed while they play; the spectator follows it
        out.lobbyPaused = [];
        for (const pg of pages) out.lobbyPaused.push(await pg.locator('#lobby.paused').count());
        out.spectatorLobbyPaused = await gleb.locator('#lobby.paused').count();
        // no player sees another's closed hand
        for (const [i, pg] of pages.entries()) {
          const n = await pg.locator('#felt .seat:not(.mine) .hand .card:not(.back)').count();
          if (n) out.leaks.push(`${NAMES[i]} sees ${n} hidden cards`);
        }
      }
      if (plays === 5) {
        // Boris reloads mid-deal: the page comes back to the same table, hand and turn
        const before = await boris.locator('#hand .card').count();
        await boris.reload();
        out.reloaded = true;
        await boris.locator('#conn.open').waitFor();
        await boris.locator('#table:not([hidden]) .seat.mine').waitFor();
        await boris.waitForFunction((n) => document.querySelectorAll('#hand .card').length === n, before);
        out.resumed = true;
      }
    }
    out.moves++;
    await anna.waitForFunction((old) => Number(document.querySelector('#table').dataset.v) > old, v);
  }
  out.lastDeal = await anna.locator('#last-deal').textContent();
  await anna.locator('#sheet svg').waitFor();
  out.sheetTexts = (await anna.locator('#sheet svg').textContent()) + ' | ' + (await anna.locator('#settle').textContent());
  out.runningSettlement = await anna.locator('#settle .totals.running').textContent();
  // a reload after the deal: the sheet's per-deal history comes back whole
  await anna.reload();
  await anna.locator('#conn.open').waitFor();
  await anna.locator('#table:not([hidden]) #sheet svg').waitFor();
  await anna.locator('#settle .totals.running').waitFor();
  out.sheetAfterReload = (await anna.locator('#sheet svg').textContent()) + ' | ' + (await anna.locator('#settle').textContent());

  // Chat that used to break the page: a 300-character word, a right-to-left
  // override, a flood of combining marks. Nothing may widen the phone.
  await vera.locator('#table-chat-text').fill('x'.repeat(300));
  await vera.locator('#table-chat-send').click();
  await vera.locator('#table-chat .line', { hasText: 'xxxx' }).waitFor();
  await anna.locator('#table-chat-text').fill('\u202Eevil reversed\u202C and ' + 'a' + '\u0301'.repeat(120));
  await anna.locator('#table-chat-send').click();
  await vera.locator('#table-chat .line', { hasText: 'reversed' }).waitFor();
  for (const [n, pg] of [['phone', vera], ['desktop', anna], ['spectator', gleb]]) {
    out.widths[n] = await pg.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  }
  // tap targets on the phone: every visible button at least 44 px both ways
  out.smallTargets = await vera.evaluate(() => [...document.querySelectorAll('button, .btn, summary')]
    .filter((b) => b.offsetParent !== null && !b.closest('.hand'))
    .map((b) => { const r = b.getBoundingClientRect(); return [b.textContent.trim().slice(0, 20), Math.round(r.width), Math.round(r.height)]; })
    .filter(([, w, h]) => w < 44 || h < 44));
  await anna.locator('.below').screenshot({ path: `${shots}/sheet.png` });
  await vera.screenshot({ path: `${shots}/sheet-phone.png`, fullPage: true });
  await gleb.screenshot({ path: `${shots}/lobby.png` });
  out.shots.push('sheet.png', 'sheet-phone.png', 'lobby.png');
  // The language switch: the same page in Russian.
  await anna.locator('#lang button[lang=ru]').click();
  out.russian = await anna.locator('#sheet-h').textContent();
} catch (e) {
  out.errors.push(String(e && e.stack ? e.stack : e));
  await watched.explain();
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
