/** Replay of a chain's entries into the sets they describe. @internal */
import { bytesKey } from './_assert.ts';
import { KIND_DELETE, KIND_INSERT, KIND_LINK, KIND_UNLINK, type Entry } from './cells.ts';

/** Replays entries oldest first: the last operation on a value (or a link) decides. */
export function replay(entries: readonly Entry[]): {
  values: Map<string, Uint8Array>;
  links: Map<string, Uint8Array>;
} {
  const values = new Map<string, Uint8Array>();
  const links = new Map<string, Uint8Array>();
  for (const e of entries) {
    const k = bytesKey(e.value);
    if (e.kind === KIND_INSERT) values.set(k, e.value);
    else if (e.kind === KIND_DELETE) values.delete(k);
    else if (e.kind === KIND_LINK) links.set(k, e.value);
    else if (e.kind === KIND_UNLINK) links.delete(k);
  }
  return { values, links };
}

/** The entries that rebuild a chain's live state, without anything deleted. */
export function liveEntries(entries: readonly Entry[]): Entry[] {
  const { values, links } = replay(entries);
  const out: Entry[] = [];
  for (const value of values.values()) out.push({ kind: KIND_INSERT, value });
  for (const value of links.values()) out.push({ kind: KIND_LINK, value });
  return out;
}
