import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FpeDate } from './date.ts';
import { blockFamilies } from './_test/blocks.ts';
import { assertArgumentError, assertFpeError, notBytes, notTweak, show } from './_test/hostile.ts';

const KEY = new Uint8Array(16).map((_, i) => 7 * i);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const MILLI = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const FIRST = Date.parse('0001-01-01T00:00:00.000Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');

/** A real calendar date: parsing and re-printing gives the same string. */
function isRealDate(s: string): boolean {
  const iso = s.length === 10 ? `${s}T00:00:00.000Z` : s;
  const d = new Date(iso);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, s.length - 1) === s.slice(0, -1);
}

for (const [name, family] of blockFamilies) {
  void describe(`FpeDate (${name} block)`, () => {
    void test('days, seconds and milliseconds round-trip to real dates of the same format', () => {
      const units = [
        [new FpeDate(KEY, {}, { block: family }), DAY, 86_400_000],
        [new FpeDate(KEY, { unit: 'second' }, { block: family }), SECOND, 1000],
        [new FpeDate(KEY, { unit: 'millisecond' }, { block: family }), MILLI, 1],
      ] as const;
      fc.assert(
        fc.property(
          fc.integer({ min: FIRST, max: LAST }),
          fc.integer({ min: 0, max: 2 }),
          fc.string({ maxLength: 5 }),
          (ms, which, tweak) => {
            const [fpe, format, step] = units[which]!;
            const date = new Date(ms - (((ms % step) + step) % step));
            const text =
              date.toISOString().slice(0, format === DAY ? 10 : format === SECOND ? 19 : 23) +
              (format === DAY ? '' : 'Z');
            const ct = fpe.encrypt(text, tweak);
            assert.match(ct, format);
            assert.ok(isRealDate(ct), ct);
            assert.equal(fpe.decrypt(ct, tweak), text);
            const ctDate = fpe.encrypt(date, tweak);
            assert.ok(ctDate instanceof Date);
            assert.equal(ctDate.getTime(), Date.parse(format === DAY ? `${ct}T00:00:00Z` : ct));
            assert.equal(fpe.decrypt(ctDate, tweak).getTime(), date.getTime());
          },
        ),
        { numRuns: 150 },
      );
    });
  });
}

void describe('FpeDate ranges and inputs', () => {
  void test('range ends, leap days and years below 100', () => {
    const fpe = new FpeDate(KEY);
    for (const d of [
      '0001-01-01',
      '9999-12-31',
      '2024-02-29',
      '0099-12-31',
      '0100-03-01',
      '1970-01-01',
    ]) {
      const ct = fpe.encrypt(d);
      assert.ok(isRealDate(ct), ct);
      assert.equal(fpe.decrypt(ct), d);
    }
  });

  void test('a small range is refused by default; opted in, it is a bijection', () => {
    assertFpeError(
      () => new FpeDate(KEY, { min: '1900-01-01', max: '2100-12-31' }),
      'ERR_FPE_DOMAIN_TOO_SMALL',
      '201 years',
    );
    const range = { min: '2024-01-01', max: '2024-12-31' };
    const fpe = new FpeDate(KEY, range, { allowSmallDomain: true });
    const seen = new Set<string>();
    for (let t = Date.parse('2024-01-01'); t <= Date.parse('2024-12-31'); t += 86_400_000) {
      const d = new Date(t).toISOString().slice(0, 10);
      const ct = fpe.encrypt(d);
      assert.ok(ct >= range.min && ct <= range.max && isRealDate(ct), ct);
      assert.equal(fpe.decrypt(ct), d);
      seen.add(ct);
    }
    assert.equal(seen.size, 366);
    assertFpeError(() => fpe.encrypt('2023-12-31'), 'ERR_FPE_OUT_OF_RANGE', 'before min');
    assertFpeError(() => fpe.encrypt(new Date('2025-01-01')), 'ERR_FPE_OUT_OF_RANGE', 'after max');
    // Seconds of one month: 2.6 M units, enough.
    const month = new FpeDate(KEY, {
      unit: 'second',
      min: new Date('2024-02-01T00:00:00Z'),
      max: '2024-02-29T23:59:59Z',
    });
    const ct = month.encrypt('2024-02-15T12:30:00Z');
    assert.ok(ct.startsWith('2024-02-'));
    assert.equal(month.decrypt(ct), '2024-02-15T12:30:00Z');
  });

  void test('bad dates and arguments', () => {
    const fpe = new FpeDate(KEY);
    for (const s of [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-1-01',
      '24-01-01',
      '2024-01-01T00:00:00Z',
      '2024/01/01',
      '',
      ' 2024-01-01',
    ]) {
      assertFpeError(() => fpe.encrypt(s), 'ERR_FPE_INVALID_INPUT', s);
      assertFpeError(() => fpe.decrypt(s), 'ERR_FPE_INVALID_INPUT', s);
    }
    assertFpeError(() => fpe.encrypt('0000-12-31'), 'ERR_FPE_OUT_OF_RANGE', 'year 0');
    assertFpeError(
      () => fpe.encrypt(new Date('2024-01-01T10:00:00Z')),
      'ERR_FPE_INVALID_INPUT',
      'time of day',
    );
    assertFpeError(() => fpe.encrypt(new Date(NaN)), 'ERR_FPE_INVALID_INPUT', 'invalid Date');
    assertFpeError(
      () => fpe.encrypt(new Date(Date.UTC(10000, 0, 1))),
      'ERR_FPE_OUT_OF_RANGE',
      'year 10000',
    );
    const sec = new FpeDate(KEY, { unit: 'second' });
    assertFpeError(() => sec.encrypt('2024-01-01T24:00:00Z'), 'ERR_FPE_INVALID_INPUT', 'hour 24');
    assertFpeError(
      () => sec.encrypt('2024-01-01T23:59:60Z'),
      'ERR_FPE_INVALID_INPUT',
      'leap second',
    );
    assertFpeError(
      () => sec.encrypt(new Date('2024-01-01T00:00:00.500Z')),
      'ERR_FPE_INVALID_INPUT',
      'ms',
    );
    for (const v of [20240101, null, undefined, {}, 1n])
      assertArgumentError(() => fpe.encrypt(v as string), show(v));
    for (const tweak of notTweak)
      assertArgumentError(() => fpe.encrypt('2024-01-01', tweak as string), 'tweak');
    for (const bad of notBytes) assertArgumentError(() => new FpeDate(bad as Uint8Array), 'key');
    for (const range of [
      null,
      'day',
      { unit: 'hour' },
      { min: '2024-02-30' },
      { max: 'tomorrow' },
      { min: '2025-01-01', max: '2024-01-01' },
      { min: 5 },
    ]) {
      assertArgumentError(() => new FpeDate(KEY, range as never), JSON.stringify(range));
    }
  });
});
