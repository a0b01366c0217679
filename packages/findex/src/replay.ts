/** Replay of a chain's entries into the sets they describe. @internal */
import { bytesKey } from './_assert.ts';
import { KIND_DELETE, KIND_INSERT, KIND_LINK, KIND_UNLINK, type Entry } from './cells.ts';

/**
 * Replays runs of encoded entries (checked ones: our own encoding, or cell plaintexts that
 * `entriesEnd` accepted), oldest first: the last operation on a value (or a link) decides.
 * Values are views of the runs.
 */
export function replay(runs: readonly Uint8Array[]): {
  values: Map<string, Uint8Array>;
  links: Map<string, Uint8Array>;
} {
  const values = new Map<string, Uint8Array>();
  const links = new Map<string, Uint8Array>();
  for (const run of runs) {
    let o = 0;
    while (o < run.length) {
      const b = run[o] as number;
      let n = b & 63;
      o++;
      if (n === 63) n = run[o++] as number;
      const value = run.subarray(o, o + n);
      o += n;
      const kind = b >> 6;
      const k = bytesKey(value);
      if (kind === KIND_INSERT) values.set(k, value);
      else if (kind === KIND_DELETE) values.delete(k);
      else if (kind === KIND_LINK) links.set(k, value);
      else if (kind === KIND_UNLINK) links.delete(k);
    }
  }
  return { values, links };
}

/** The entries that rebuild a chain's live state, without anything deleted. */
export function liveEntries(runs: readonly Uint8Array[]): Entry[] {
  const { values, links } = replay(runs);
  const out: Entry[] = [];
  for (const value of values.values()) out.push({ kind: KIND_INSERT, value });
  for (const value of links.values()) out.push({ kind: KIND_LINK, value });
  return out;
}
