/**
 * The C collation's text order (types/text_order.ts) against its definition: the bytewise
 * order of the strings' UTF-8 encodings (PostgreSQL's varstr_cmp with collation "C" is a
 * memcmp). Strings are drawn from every code point, so surrogate pairs meet U+E000..U+FFFF.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasSurrogate, textOrder } from '../../src/types/text_order.js';
import { SEED } from '../support/seed.js';

const sign = (x: number): number => (x < 0 ? -1 : x > 0 ? 1 : 0);
const utf8Order = (a: string, b: string): number => sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

// Units from a few ranges, so that strings share prefixes and differ where the orders disagree.
const unit = fc.constantFrom('a', 'b', 'é', '中', '\u{E000}', '\u{FF21}', '\u{FFFF}', '\u{10000}', '\u{1F600}', '\u{10FFFF}');
const text = fc.array(unit, { maxLength: 6 }).map((u) => u.join(''));

test('textOrder is the order of the UTF-8 bytes', () => {
  fc.assert(
    fc.property(text, text, (a, b) => sign(textOrder(a, b)) === utf8Order(a, b)),
    { seed: SEED, numRuns: 5000 },
  );
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => sign(textOrder(a, b)) === utf8Order(a, b)),
    { seed: SEED, numRuns: 2000 },
  );
});

test('hasSurrogate finds characters above U+FFFF only', () => {
  assert.equal(hasSurrogate('abc é 中 \u{FFFF}'), false);
  assert.equal(hasSurrogate('a\u{1F600}'), true);
  assert.equal(textOrder('\u{FF21}', '\u{1F600}'), -1);
  assert.equal(textOrder('ab', 'a'), 1);
  assert.equal(textOrder('', ''), 0);
});
