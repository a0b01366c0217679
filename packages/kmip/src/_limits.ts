/**
 * Resource limits applied by every decoder, so that hostile input is rejected in bounded time and
 * memory: the input size, the nesting depth and the number of items.
 */
import { KmipCodecError } from './errors.ts';

export interface DecodeLimits {
  /** Largest accepted input, in bytes (binary) or characters (JSON, XML). Default 16 MiB. */
  maxBytes?: number;
  /** Deepest structure nesting (the root is depth 1). Default 32. */
  maxDepth?: number;
  /** Most items in one tree. Default 200 000. */
  maxItems?: number;
}

export const DEFAULT_LIMITS: Readonly<Required<DecodeLimits>> = {
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 32,
  maxItems: 200_000,
};

/** Limits with defaults filled in; rejects nonsensical values. */
export function _limits(limits: DecodeLimits | undefined): Required<DecodeLimits> {
  const out = { ...DEFAULT_LIMITS, ...limits };
  for (const [key, value] of Object.entries(out)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`limit ${key} must be a positive safe integer`);
    }
  }
  return out;
}

/** Counts items and checks depth while a tree is decoded. */
export class _Budget {
  items = 0;
  readonly maxDepth: number;
  readonly maxItems: number;

  constructor(limits: Required<DecodeLimits>) {
    this.maxDepth = limits.maxDepth;
    this.maxItems = limits.maxItems;
  }

  item(offset?: number): void {
    if (++this.items > this.maxItems) {
      throw new KmipCodecError(
        'ERR_KMIP_TOO_MANY_ITEMS',
        `more than ${this.maxItems} items`,
        offset,
      );
    }
  }

  depth(depth: number, offset?: number): void {
    if (depth > this.maxDepth) {
      throw new KmipCodecError('ERR_KMIP_TOO_DEEP', `nesting deeper than ${this.maxDepth}`, offset);
    }
  }
}
