/**
 * Format-preserving encryption of dates and timestamps: a valid date in [min, max] encrypts to
 * another valid date in [min, max] (no 30 February, no year 0), at a chosen unit: 'day'
 * ('YYYY-MM-DD'), 'second' ('YYYY-MM-DDTHH:MM:SSZ') or 'millisecond'
 * ('YYYY-MM-DDTHH:MM:SS.sssZ'), all in UTC, years 0001 to 9999.
 *
 * The value is counted in units from `min` and that count is encrypted with FF1 (radix 2, cycle
 * walking). The range must hold at least 1,000,000 units: the default day range 0001-01-01 to
 * 9999-12-31 has 3,652,059 days; a birth-date range 1900-2100 (73,415 days) is refused unless
 * `allowSmallDomain`, and then enumerable by anyone who can run the encryption.
 */
import type { AesBlockCipher } from '@custos/crypto/block';
import { aoptions, tweakBytes, type Tweak } from './_assert.ts';
import { ff1For, resolveHelper, type HelperOptions } from './_helper.ts';
import { permuteOffsetNumber, resolveDomain, type _Domain } from './_int-domain.ts';
import { FpeError } from './errors.ts';
import type { FF1 } from './ff1.ts';

export type { HelperOptions } from './_helper.ts';

export type DateUnit = 'day' | 'second' | 'millisecond';

export interface DateRange {
  /** Unit and string format (default 'day'). */
  unit?: DateUnit;
  /** Earliest value, as a string of the unit's format or a Date (default 0001-01-01). */
  min?: string | Date;
  /** Latest value (default 9999-12-31, last unit of that day). */
  max?: string | Date;
}

const UNIT_MS: Record<DateUnit, number> = { day: 86_400_000, second: 1000, millisecond: 1 };
const FORMATS: Record<DateUnit, RegExp> = {
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  second: /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/,
  millisecond: /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/,
};
/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z in epoch milliseconds. */
const FIRST_MS = -62_135_596_800_000;
const LAST_MS = 253_402_300_799_999;

export class FpeDate {
  readonly unit: DateUnit;
  readonly #minUnits: number;
  readonly #maxUnits: number;
  readonly #domain: _Domain;
  readonly #ff1: FF1;

  /**
   * @param key AES key (16, 24 or 32 bytes; not kept) or a shared `AesBlockCipher`.
   * @throws TypeError/RangeError on a bad range or option (an unparsable bound is a RangeError);
   *   FpeError ERR_FPE_DOMAIN_TOO_SMALL for fewer than 1,000,000 units.
   */
  constructor(key: Uint8Array | AesBlockCipher, range?: DateRange, options?: HelperOptions) {
    const r = aoptions(range, 'range');
    const unit: unknown = r.unit ?? 'day';
    if (unit !== 'day' && unit !== 'second' && unit !== 'millisecond') {
      throw new RangeError("range.unit must be 'day', 'second' or 'millisecond'");
    }
    this.unit = unit;
    const bound = (value: unknown, fallback: number, label: string): number => {
      if (value === undefined) return Math.floor(fallback / UNIT_MS[unit]);
      try {
        return this.#toUnits(value);
      } catch (error) {
        if (error instanceof FpeError)
          throw new RangeError(`${label}: ${error.message}`, { cause: error });
        throw error;
      }
    };
    this.#minUnits = bound(r.min, FIRST_MS, 'range.min');
    this.#maxUnits = bound(r.max, LAST_MS, 'range.max');
    if (this.#maxUnits < this.#minUnits)
      throw new RangeError('range.max must not precede range.min');
    const h = resolveHelper(key, options);
    this.#domain = resolveDomain(
      { min: this.#minUnits, max: this.#maxUnits },
      h.allowSmallDomain,
      true,
    );
    this.#ff1 = ff1For(h, 2);
  }

  /**
   * Encrypts a date: a string gives a string of the same format, a Date gives a Date.
   * @throws TypeError for another type; FpeError ERR_FPE_INVALID_INPUT for a malformed or
   *   impossible date, or a Date not on a unit boundary (a time of day with unit 'day');
   *   ERR_FPE_OUT_OF_RANGE outside [min, max].
   */
  encrypt(value: string, tweak?: Tweak): string;
  encrypt(value: Date, tweak?: Tweak): Date;
  encrypt(value: string | Date, tweak?: Tweak): string | Date {
    return this.#run(value, tweak, false);
  }

  /** Inverse of `encrypt`. Throws as `encrypt`. */
  decrypt(value: string, tweak?: Tweak): string;
  decrypt(value: Date, tweak?: Tweak): Date;
  decrypt(value: string | Date, tweak?: Tweak): string | Date {
    return this.#run(value, tweak, true);
  }

  #run(value: unknown, tweak: unknown, decrypt: boolean): string | Date {
    const units = this.#toUnits(value);
    if (units < this.#minUnits || units > this.#maxUnits) {
      throw new FpeError('ERR_FPE_OUT_OF_RANGE', 'the date is outside the configured range');
    }
    const t = tweakBytes(tweak);
    const size = this.#maxUnits - this.#minUnits + 1;
    const out =
      this.#minUnits +
      permuteOffsetNumber(this.#ff1, this.#domain, units - this.#minUnits, size, t, decrypt);
    const ms = out * UNIT_MS[this.unit];
    return value instanceof Date ? new Date(ms) : this.#format(ms);
  }

  /** A string of the unit's format or a Date, as a count of units since the epoch. */
  #toUnits(value: unknown): number {
    let ms: number;
    if (value instanceof Date) {
      ms = value.getTime();
      if (Number.isNaN(ms)) throw new FpeError('ERR_FPE_INVALID_INPUT', 'the Date is invalid');
    } else if (typeof value === 'string') {
      ms = this.#parse(value);
    } else {
      throw new TypeError('value must be a date string or a Date');
    }
    if (ms < FIRST_MS || ms > LAST_MS) {
      throw new FpeError('ERR_FPE_OUT_OF_RANGE', 'dates must be within years 0001 to 9999');
    }
    const step = UNIT_MS[this.unit];
    if (ms % step !== 0) {
      throw new FpeError('ERR_FPE_INVALID_INPUT', `the Date is not a whole ${this.unit} (UTC)`);
    }
    return ms / step;
  }

  #parse(text: string): number {
    const m = FORMATS[this.unit].exec(text);
    if (m === null) {
      throw new FpeError('ERR_FPE_INVALID_INPUT', `the date does not have the ${this.unit} format`);
    }
    const [y, mo, d, h = 0, mi = 0, s = 0, msec = 0] = m.slice(1).map(Number);
    const date = new Date(0);
    // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
    date.setUTCFullYear(y as number, (mo as number) - 1, d);
    date.setUTCHours(h, mi, s, msec);
    if (
      date.getUTCFullYear() !== y ||
      date.getUTCMonth() !== (mo as number) - 1 ||
      date.getUTCDate() !== d ||
      date.getUTCHours() !== h ||
      date.getUTCMinutes() !== mi ||
      date.getUTCSeconds() !== s
    ) {
      throw new FpeError('ERR_FPE_INVALID_INPUT', 'the date does not exist');
    }
    return date.getTime();
  }

  #format(ms: number): string {
    const date = new Date(ms);
    const p = (v: number, w = 2): string => String(v).padStart(w, '0');
    const day = `${p(date.getUTCFullYear(), 4)}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())}`;
    if (this.unit === 'day') return day;
    const time = `${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}`;
    if (this.unit === 'second') return `${day}T${time}Z`;
    return `${day}T${time}.${p(date.getUTCMilliseconds(), 3)}Z`;
  }
}
