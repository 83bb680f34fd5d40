// Drives Debian's Chromium against the club's sign-in endpoints: a dev name
// claimed in one browser, the same name (in a look-alike spelling) claimed
// from another, and another site's pages that try to sign Anna out, sign
// her in as someone else and read her socket token. Prints one JSON line.
// Usage: node crosssite.mjs <club url> <attacker url> <chromium> <playwright-core/index.mjs>
const [club, attacker, chromiumPath, playwright] = process.argv.slice(2);
const { chromium } = await import(playwright);
const out = { claim: 0, token: 0, theft: 0, logoutPage: '', devPage: '', tokenRead: '', me: null, errors: [] };
const browser = await chromium.launch({
  executablePath: chromiumPath, headless: true, timeout: 30000,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const post = (name) => fetch('/auth/dev', { method: 'POST', body: new URLSearchParams({ name }) }).then((r) => r.status);
try {
  const anna = await (await browser.newContext()).newPage();
  anna.setDefaultTimeout(15000);
  await anna.goto(club + '/api/me');
  out.claim = await anna.evaluate(post, 'Anna');
  out.token = await anna.evaluate(() => fetch('/api/token').then((r) => r.status));

  const thief = await (await browser.newContext()).newPage();
  thief.setDefaultTimeout(15000);
  await thief.goto(club + '/api/me');
  out.theft = await thief.evaluate(post, '\u0410nna');

  // Another site's pages, opened in Anna's browser.
  await Promise.all([anna.waitForURL((u) => u.pathname === '/logout'), anna.goto(attacker + '/logout-form')]);
  out.logoutPage = await anna.textContent('body');
  await Promise.all([anna.waitForURL((u) => u.pathname === '/auth/dev'), anna.goto(attacker + '/dev-form')]);
  out.devPage = await anna.textContent('body');
  await anna.goto(attacker + '/token-fetch');
  await anna.waitForFunction(() => document.title !== 'waiting');
  out.tokenRead = await anna.title();

  await anna.goto(club + '/api/me');
  out.me = JSON.parse(await anna.textContent('body'));
} catch (e) {
  out.errors.push(String(e));
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
