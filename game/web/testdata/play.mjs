// Sets a table in the club page (the conventions dialog, Leningrad), seats
// two bots and plays the first deal of the pulka against them, as a player
// would, and prints one JSON line with what it saw.
// Usage: node play.mjs <url> <chromium> <playwright-core/index.mjs>
const [url, chromiumPath, playwright] = process.argv.slice(2);
const { chromium } = await import(playwright);
const out = { signedIn: false, seated: false, moves: 0, lastDeal: '', sheet: '', errors: [] };
const browser = await chromium.launch({
  executablePath: chromiumPath, headless: true, timeout: 30000,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10000);
  page.on('pageerror', (e) => out.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') out.errors.push(m.text()); });
  await page.goto(url);
  await page.fill('#name', 'Anna');
  await page.click('#signin-form button');
  await page.waitForSelector('#club:not([hidden])');
  out.signedIn = (await page.textContent('#me')).includes('Anna');
  await page.click('#create-form button');
  await page.waitForSelector('#dialog:not([hidden])');
  await page.selectOption('#preset', 'leningrad');
  await page.click('#conventions-ok');
  await page.waitForSelector('#seat-me .info:text("you")');
  out.seated = true;
  await page.click('#seat-left button:text("Add bot")');
  await page.waitForSelector('#seat-left .info:text("bot")');
  await page.click('#seat-right button:text("Add bot")');
  for (let i = 0; i < 300 && !(await page.textContent('#last-deal')); i++) {
    const discard = await page.$('#moves button:text("Discard")');
    const buttons = await page.$$('#moves button');
    const playable = await page.$$('#hand .card.playable, .seat .card.playable');
    if (discard) {
      const cards = await page.$$('#hand .card.playable');
      await cards[0].click();
      const rest = await page.$$('#hand .card.playable:not(.picked)');
      await rest[0].click();
      await page.click('#moves button:text("Discard")');
      out.moves++;
    } else if (buttons.length > 0) {
      await buttons[0].click(); // pass, the lowest contract, whist…
      out.moves++;
    } else if (playable.length > 0) {
      await playable[0].click();
      out.moves++;
    }
    await page.waitForTimeout(100);
  }
  out.lastDeal = await page.textContent('#last-deal');
  out.sheet = await page.textContent('#sheet');
} catch (e) {
  out.errors.push(String(e && e.stack ? e.stack : e));
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
