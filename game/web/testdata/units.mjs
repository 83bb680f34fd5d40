// Unit checks of the page's pure modules, run by node (no browser):
// node units.mjs <static/web directory>. Exits non-zero on the first failure.
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

const web = pathToFileURL(process.argv[2] + '/').href;
const cards = await import(web + 'ui/cards.js');
const sheet = await import(web + 'ui/sheet.js');
const dom = await import(web + 'ui/dom.js');

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
console.log('ok');
