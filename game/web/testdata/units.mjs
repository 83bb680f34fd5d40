// Unit checks of the page's pure modules, run by node (no browser):
// node units.mjs <static/web directory>. Exits non-zero on the first failure.
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

const web = pathToFileURL(process.argv[2] + '/').href;
const cards = await import(web + 'ui/cards.js');
const sheet = await import(web + 'ui/sheet.js');
const dom = await import(web + 'ui/dom.js');
globalThis.localStorage = { getItem: () => 'en', setItem: () => {} }; // the page's language: English
const words = await import(web + 'words.js');
const pages = await import(web + 'pages.js');
const plot = await import(web + 'ui/plot.js');
const api = await import(web + 'ui/api.js');

// A hand is sorted by suit, colours alternating, highest first.
assert.deepEqual(cards.sortHand(['7H', 'AS', '10D', 'KC', '8S', 'QH']), ['AS', '8S', '10D', 'KC', 'QH', '7H']);
assert.equal(cards.label('10H'), '10♥');

// Names that are Object.prototype's own are names like any other.
const names = ['__proto__', 'constructor', 'toString'];
const view = JSON.parse('{"pool":{"__proto__":4,"constructor":2},"mountain":{"toString":6},"whists":{"__proto__":{"toString":10}}}');
const arr = sheet.seatArrays(view, names);
assert.deepEqual(arr.pool, [4, 2, 0]);
assert.deepEqual(arr.mountain, [0, 0, 6]);
assert.deepEqual(arr.whists, [[0, 0, 10], [0, 0, 0], [0, 0, 0]]);
assert.deepEqual(sheet.seatArrays({}, ['Anna']).pool, [0]);

// Running entries as on paper: the value after each deal that changed it.
assert.equal(sheet.entry([0, 2, 2, 4, 10]), '2.4.10');
assert.equal(sheet.entry([0, 0]), '');

// Chat and names lose bidi controls; combining-mark floods are cut to two.
assert.equal(dom.clean('\u202Eevil\u202C ok'), 'evil ok');
assert.equal(dom.clean('a' + '\u0301'.repeat(50)), 'a\u0301\u0301');
assert.equal(dom.clean('Анна'), 'Анна');
// Finished deals are worded by the page from codes, in its language.
const ns = ['Anna', 'Boris', 'Vera'];
assert.equal(words.dealLine({ no: 3, kind: 'contract', ending: 'played', declarer: 0, contract: '7H', tricks: [7, 2, 1] }, ns),
  'Deal 3: Anna played 7♥ — tricks: Anna 7, Boris 2, Vera 1');
assert.equal(words.dealLine({ no: 1, kind: 'raspasy', ending: 'played', declarer: -1, contract: null, tricks: [4, 3, 3] }, ns),
  'Deal 1: raspasy — tricks: Anna 4, Boris 3, Vera 3');
assert.equal(words.dealLine({ no: 2, kind: 'contract', ending: 'unwhisted', declarer: 1, contract: '6NT', tricks: [0, 0, 0] }, ns),
  'Deal 2: Boris declared 6 NT, both defenders passed');
assert.equal(words.dealLine({ no: 4, kind: 'misere', ending: 'played', declarer: 2, contract: 'misere', tricks: [5, 5, 0] }, ns),
  'Deal 4: Vera played misère — tricks: Anna 5, Boris 5, Vera 0');
assert.equal(words.moveText({ seat: 0, kind: 'discard', cards: ['7S', '8S'] }), 'discards 7♠ 8♠');
assert.equal(words.moveText({ seat: 1, kind: 'play', card: '10D' }), '10♦');
assert.equal(words.bidText('toString'), 'toString'); // an odd code is shown as it is, no prototype lookup
assert.equal(words.ratingText({ ordinal: 3.456 }), '3.5');

// Page routes in the hash; anything else is the club (a table id).
assert.deepEqual(pages.parseRoute('#/player/7'), { name: 'player', id: '7' });
assert.deepEqual(pages.parseRoute('#/pulka/42'), { name: 'pulka', id: '42', deal: 1, step: 0 });
assert.deepEqual(pages.parseRoute('#/pulka/42/3/12'), { name: 'pulka', id: '42', deal: 3, step: 12 });
for (const h of ['#t3', '', '#/player/0', '#/player/x', '#/pulka/42/0', '#/player/7/../1', '#/pulka/1234567890123456789']) {
  assert.equal(pages.parseRoute(h), null, h);
}
assert.equal(pages.pulkaHref(42, 3, 0), '#/pulka/42/3/0');

// Only the archive's own (numeric) ids are asked for ratings.
assert.equal(api.accountID('17'), '17');
for (const id of ['dev:Anna', 'bot:1', '0', '', '01', undefined, '1'.repeat(19)]) assert.equal(api.accountID(id), '', String(id));

// The plot's grid: round steps.
assert.equal(plot.niceStep(10, 4), 5);
assert.equal(plot.niceStep(0.7, 4), 0.2);
assert.equal(plot.niceStep(230, 4), 100);
console.log('ok');
