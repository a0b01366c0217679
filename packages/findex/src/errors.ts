/**
 * The one error base of `@custos/findex`, with stable string codes that callers switch on.
 *
 * Argument errors (wrong type, wrong length, out of range) are plain `TypeError`/`RangeError`:
 * they are programming errors. The classes here are for conditions a correct program meets at
 * run time: a store that misbehaves, a write that lost too many races, a key that is missing.
 *
 * Messages never contain keywords, values or key bytes.
 */

export type FindexErrorCode =
  | 'ERR_FINDEX_TAMPERED'
  | 'ERR_FINDEX_ROLLBACK'
  | 'ERR_FINDEX_CONFLICT'
  | 'ERR_FINDEX_KEY_EPOCH'
  | 'ERR_FINDEX_STORE';

export class FindexError extends Error {
  readonly code: FindexErrorCode;

  constructor(code: FindexErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The store returned data that the client did not write at that place: a cell that fails
 * authentication (altered, or moved from another address), a chain cell swapped for another
 * one, a chain shorter than its header says (truncation), or a header that does not decode.
 */
export class TamperDetected extends FindexError {
  constructor(message: string) {
    super('ERR_FINDEX_TAMPERED', message);
  }
}

/**
 * The store returned an older state of a keyword than this client has already seen (a header
 * with a lower version, or no header where one was seen): a rollback, or a store that lost data.
 */
export class RollbackDetected extends FindexError {
  constructor(message: string) {
    super('ERR_FINDEX_ROLLBACK', message);
  }
}

/** A write lost the compare-and-swap race more times than the retry budget allows. Nothing was written. */
export class WriteConflict extends FindexError {
  constructor(message: string) {
    super('ERR_FINDEX_CONFLICT', message);
  }
}

/** The index holds data under a key epoch this client was not given (a rotation it must join). */
export class KeyEpochMissing extends FindexError {
  /** The epoch whose key is needed. */
  readonly epoch: number;

  constructor(epoch: number) {
    super(
      'ERR_FINDEX_KEY_EPOCH',
      `the index has moved to key epoch ${epoch}, which this client lacks`,
    );
    this.epoch = epoch;
  }
}

/** The store broke its contract (wrong number of results, wrong types) or failed underneath. */
export class StoreError extends FindexError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_FINDEX_STORE', message, options);
  }
}
