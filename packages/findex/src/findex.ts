/**
 * `Findex`: an encrypted, authenticated multi-map (keyword → values) over an untrusted store.
 *
 * Each domain keyword (see `keyword.ts`) owns a chain: a header cell at a PRF address holding a
 * version counter, the chain length, the tag of the last chain cell and the newest entries
 * (the tail), followed by chain cells packed with older entries. Every cell is AES-256-GCM
 * sealed and bound to its address and to its predecessor (see `cells.ts`), so the store learns
 * only what docs/findex.md lists and cannot alter results without being caught.
 *
 * Writers compare-and-swap the header (`guardedWrite`), so any number of writers may share an
 * index and a keyword: nothing is lost, a loser retries on the winner's header with jittered
 * exponential backoff, a bounded number of times. A batch over many keywords is one atomic
 * guarded write.
 */
import { abytes, aint, aobject, bytesKey, isBytes } from './_assert.ts';
import {
  _EntryRun,
  KIND_DELETE,
  KIND_INSERT,
  KIND_LINK,
  KIND_UNLINK,
  MAX_CELL_SIZE,
  MIN_CELL_SIZE,
  maxValueLength,
} from './cells.ts';
import { _Engine, type _Leaf, type _Op } from './engine.ts';
import { TamperDetected } from './errors.ts';
import { ForwardState } from './forward.ts';
import { _EpochKeys, type FindexKey } from './keys.ts';
import {
  affixEntries,
  affixQuery,
  DOMAIN_EXACT,
  DOMAIN_PREFIX,
  DOMAIN_SUFFIX,
  domainKeyword,
  exactKeyword,
  keywordBytes,
  MAX_REST_BYTES,
  splitAffixPayload,
  type AffixConfig,
  type Keyword,
} from './keyword.ts';
import { replay } from './replay.ts';
import { ResultSet } from './results.ts';
import type { FindexStore } from './store.ts';
import { compactIndex, type CompactionOptions, type CompactionReport } from './compact.ts';

/** Keyword → values pairs: a `Map`, or any iterable of `[keyword, values]`. */
export type Bindings = Iterable<readonly [Keyword, Iterable<Uint8Array>]>;

/** Alias → target keywords pairs, for `link`/`unlink`. */
export type Links = Iterable<readonly [Keyword, Iterable<Keyword>]>;

/**
 * A query: a keyword (exact match, synonyms followed), or one of the objects below. `and` and
 * `or` nest freely.
 */
export type Query =
  | Keyword
  | { readonly exact: Keyword; readonly synonyms?: boolean }
  | { readonly prefix: Keyword }
  | { readonly suffix: Keyword }
  | { readonly and: readonly Query[] }
  | { readonly or: readonly Query[] };

export interface AffixOptions {
  /** Shortest prefix (suffix) indexed and accepted in queries, in characters (bytes for byte keywords). */
  readonly min: number;
  /** Longest one indexed (default min + 15); longer queries are answered by filtering. */
  readonly max?: number;
}

export interface FindexOptions {
  /** Where the cells live. */
  readonly store: FindexStore;
  /** The current key: 32 secret bytes (epoch 0), or a seed with its epoch. */
  readonly key: Uint8Array | FindexKey;
  /** The key of the previous epoch, while a compaction moves the index to `key`. */
  readonly previousKey?: FindexKey;
  /** Names the index, so one key can serve several indexes without their cells mixing. */
  readonly label?: string | Uint8Array;
  /** Cell payload in bytes, 64 to 4096 (default 192). Must be the same for every client of an index. */
  readonly cellSize?: number;
  /** Index prefixes of every keyword inserted, to answer `{ prefix }` queries in one round trip. */
  readonly prefix?: AffixOptions;
  /** Index suffixes of every keyword inserted, to answer `{ suffix }` queries. */
  readonly suffix?: AffixOptions;
  /** How many link hops an exact search follows (default 2, 0 disables synonyms). */
  readonly synonymDepth?: number;
  /** Chain cells read along with an unknown header, to finish most searches in one round trip (default 1). */
  readonly speculate?: number;
  /** Attempts of a write that keeps losing compare-and-swap races before WriteConflict (default 64). */
  readonly maxAttempts?: number;
  /** Backoff between attempts: full jitter up to min(capMs, baseMs · 2^attempt) (default 1 and 100). */
  readonly backoff?: { readonly baseMs: number; readonly capMs: number };
  /** Headers kept for length hints and rollback detection (default 100,000; 0 keeps none). */
  readonly cacheSize?: number;
  /** Keep the internal keyword registry that compaction walks (default true; not used in forward mode). */
  readonly registry?: boolean;
  /** Forward-private mode: chain positions live in this client state instead of header cells. */
  readonly forward?: ForwardState;
}

export interface StreamOptions {
  /** Stop after this many values (default: all). */
  readonly limit?: number;
  /** Chain cells fetched per round trip while streaming (default 64). */
  readonly pageCells?: number;
}

type _Node =
  | {
      readonly t: 'leaf';
      readonly dk: Uint8Array;
      readonly affix: boolean;
      readonly filter: ((rest: Uint8Array) => boolean) | null;
      readonly synonyms: boolean;
    }
  | { readonly t: 'and' | 'or'; readonly children: readonly _Node[] };

type _Leafs = Map<string, _Leaf>;

const MAX_QUERY_DEPTH = 32;
/**
 * Keywords whose tag and first addresses are kept per key epoch (pure functions of the key:
 * caching them changes nothing the store sees).
 */
const KEYWORD_CACHE_SIZE = 16_384;

export class Findex {
  readonly #engine: _Engine;
  readonly #maxValue: number;
  readonly #prefix: AffixConfig | null;
  readonly #suffix: AffixConfig | null;
  readonly #synonymDepth: number;

  /** @throws TypeError/RangeError on invalid options. */
  constructor(options: FindexOptions) {
    const o = aobject(options, 'options') as Partial<FindexOptions>;
    const store = _store(o.store);
    const label =
      o.label === undefined
        ? new Uint8Array(0)
        : typeof o.label === 'string'
          ? new TextEncoder().encode(o.label)
          : abytes(o.label, 'options.label', 0, 255).slice();
    const cacheSize = aint(o.cacheSize ?? 100_000, 'options.cacheSize', 0, 1 << 24);
    const speculate = aint(o.speculate ?? 1, 'options.speculate', 0, 64);
    const current = new _EpochKeys(
      isBytes(o.key) ? { epoch: 0, seed: o.key } : (o.key as FindexKey),
      label,
      KEYWORD_CACHE_SIZE,
      1 + speculate,
    );
    const previous =
      o.previousKey === undefined
        ? null
        : new _EpochKeys(o.previousKey, label, KEYWORD_CACHE_SIZE, 1 + speculate);
    if (previous !== null && previous.epoch === current.epoch)
      throw new RangeError('options.previousKey must be of another epoch than options.key');
    const cellSize = aint(o.cellSize ?? 192, 'options.cellSize', MIN_CELL_SIZE, MAX_CELL_SIZE);
    if (o.forward !== undefined && !(o.forward instanceof ForwardState))
      throw new TypeError('options.forward must be a ForwardState');
    const backoff =
      o.backoff === undefined ? { baseMs: 1, capMs: 100 } : aobject(o.backoff, 'options.backoff');
    this.#engine = new _Engine({
      store,
      current,
      previous,
      cellSize,
      speculate,
      maxAttempts: aint(o.maxAttempts ?? 64, 'options.maxAttempts', 1, 10_000),
      backoffBaseMs: _nonNegative(backoff['baseMs'], 'options.backoff.baseMs'),
      backoffCapMs: _nonNegative(backoff['capMs'], 'options.backoff.capMs'),
      cacheSize,
      registry: o.forward === undefined && (o.registry ?? true),
      forward: o.forward ?? null,
    });
    this.#maxValue = maxValueLength(cellSize);
    this.#prefix = _affix(o.prefix, 'options.prefix');
    this.#suffix = _affix(o.suffix, 'options.suffix');
    this.#synonymDepth = aint(o.synonymDepth ?? 2, 'options.synonymDepth', 0, 16);
  }

  /** Largest value accepted (bytes), which depends on `cellSize`. */
  get maxValueLength(): number {
    return this.#maxValue;
  }

  /**
   * Adds values under keywords, all keywords in one atomic guarded write.
   * @throws TypeError/RangeError on bad bindings; WriteConflict after too many lost races;
   *   TamperDetected/RollbackDetected if the store misbehaves; StoreError from the store.
   */
  insert(bindings: Bindings): Promise<void> {
    return this._update(bindings, KIND_INSERT);
  }

  /** Removes values from keywords (their prefixes and suffixes too). Same errors as `insert`. */
  delete(bindings: Bindings): Promise<void> {
    return this._update(bindings, KIND_DELETE);
  }

  /**
   * Makes each alias a synonym of its targets: an exact search of the alias also returns the
   * targets' values (following links up to `synonymDepth` hops). Links never appear in results.
   */
  link(links: Links): Promise<void> {
    return this._links(links, KIND_LINK);
  }

  /** Removes links made by `link`. */
  unlink(links: Links): Promise<void> {
    return this._links(links, KIND_UNLINK);
  }

  /**
   * Exact search of many keywords at once (synonyms followed): one result set per keyword, in
   * order. One round trip when the chains are short or known to this client, two otherwise,
   * plus one per synonym hop.
   */
  async search(keywords: readonly Keyword[]): Promise<ResultSet[]> {
    if (!Array.isArray(keywords)) throw new TypeError('keywords must be an array');
    const list = keywords as readonly unknown[];
    const names = new Array<string>(list.length);
    const unique = new Map<string, Uint8Array>();
    for (let i = 0; i < list.length; i++) {
      const { dk, name } = exactKeyword(list[i], 'keywords', i);
      names[i] = name;
      if (!unique.has(name)) unique.set(name, dk);
    }
    const uniqueNames = [...unique.keys()];
    const leaves = await this.#engine.read([...unique.values()], uniqueNames);
    const byKey: _Leafs = new Map();
    for (let i = 0; i < leaves.length; i++) byKey.set(uniqueNames[i] as string, leaves[i] as _Leaf);
    const out: ResultSet[] = [];
    for (const name of names)
      out.push(new ResultSet(await this._exactValues(byKey.get(name) as _Leaf, true, byKey)));
    return out;
  }

  /** Evaluates a query; AND fetches the smallest terms first and stops once the result is empty. */
  async query(query: Query): Promise<ResultSet> {
    const node = this._node(query, 0);
    return this._retryRead(async () => {
      const leaves = _leavesOf(node);
      // Under an AND, chains are fetched lazily (smallest first): the first round trip reads
      // headers and at most `speculate` cells each, even for chains this client knows are long.
      const heads = await this.#engine.heads(_unique(leaves.map((l) => l.dk)), _hasAnd(node));
      const byKey: _Leafs = new Map(heads.map((l) => [bytesKey(l.dk), l]));
      return new ResultSet(await this._eval(node, byKey));
    });
  }

  /**
   * Streams the values of a query as they are found, newest first, fetching chains backwards a
   * page at a time, and stops fetching once `limit` values were produced. Keywords, prefixes,
   * suffixes and their ORs stream; an AND is evaluated first, then streamed.
   */
  async *stream(query: Query, options: StreamOptions = {}): AsyncGenerator<Uint8Array> {
    const node = this._node(query, 0);
    const o = aobject(options, 'options');
    const limit = o['limit'] === undefined ? Infinity : aint(o['limit'], 'options.limit', 0);
    const page = aint(o['pageCells'] ?? 64, 'options.pageCells', 1, 65_536);
    if (limit === 0) return;
    if (!_orOfLeaves(node)) {
      let n = 0;
      for (const v of await this.query(query)) {
        yield v;
        if (++n >= limit) return;
      }
      return;
    }
    const leaves = _leavesOf(node);
    const heads = await this.#engine.heads(_unique(leaves.map((l) => l.dk)));
    const byKey: _Leafs = new Map(heads.map((l) => [bytesKey(l.dk), l]));
    const emitted = new Set<string>();
    const visited = new Set<string>();
    let queue: { leaf: _Leaf; node: _Node & { t: 'leaf' }; depth: number }[] = leaves.map((l) => ({
      leaf: byKey.get(bytesKey(l.dk)) as _Leaf,
      node: l,
      depth: 0,
    }));
    while (queue.length > 0) {
      const next: typeof queue = [];
      for (const item of queue) {
        const k = bytesKey(item.leaf.dk);
        if (visited.has(k)) continue;
        visited.add(k);
        const decided = new Set<string>();
        const links: Uint8Array[] = [];
        for await (const e of this.#engine.newestFirst(item.leaf, page)) {
          const ek = `${e.kind >> 1}:${bytesKey(e.value)}`;
          if (decided.has(ek)) continue;
          decided.add(ek);
          if (e.kind === KIND_LINK) links.push(e.value);
          if (e.kind !== KIND_INSERT) continue;
          const v = this._valueOf(item.node, e.value);
          if (v === null) continue;
          const vk = bytesKey(v);
          if (emitted.has(vk)) continue;
          emitted.add(vk);
          yield v.slice();
          if (emitted.size >= limit) return;
        }
        if (item.node.synonyms && item.depth < this.#synonymDepth && links.length > 0) {
          const targets = links
            .map((t) => domainKeyword(DOMAIN_EXACT, t))
            .filter((dk) => !visited.has(bytesKey(dk)));
          const tl = await this.#engine.heads(_unique(targets));
          for (const leaf of tl) {
            next.push({
              leaf,
              node: { t: 'leaf', dk: leaf.dk, affix: false, filter: null, synonyms: true },
              depth: item.depth + 1,
            });
          }
        }
      }
      queue = next;
    }
  }

  /**
   * Drops deleted values and re-encrypts every chain, online: searches and writes may run
   * meanwhile. With `previousKey` set, moves the index from that epoch to `key`'s (fresh
   * addresses, fresh keys); without it, rewrites in place under `key`. Resumable: pass the
   * last reported cursor as `options.from`.
   */
  compact(options: CompactionOptions = {}): Promise<CompactionReport> {
    return compactIndex(this.#engine, options);
  }

  // ---- internals ---------------------------------------------------------------------------

  /**
   * Runs a read that reads in two steps (heads, then chains): a chain rewritten by a concurrent
   * compaction in between fails verification, so the read runs again (twice at most). Real
   * tampering fails every time and is reported.
   */
  async _retryRead<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!(error instanceof TamperDetected) || attempt >= 2) throw error;
      }
    }
  }

  async _update(bindings: Bindings, kind: number): Promise<void> {
    const ops = new Map<string, { dk: Uint8Array; run: _EntryRun }>();
    const opOf = (dk: Uint8Array, name: string): _EntryRun => {
      let op = ops.get(name);
      if (op === undefined) {
        op = { dk, run: new _EntryRun() };
        ops.set(name, op);
      }
      return op.run;
    };
    const affixes: [typeof DOMAIN_PREFIX | typeof DOMAIN_SUFFIX, AffixConfig][] = [];
    if (this.#prefix !== null) affixes.push([DOMAIN_PREFIX, this.#prefix]);
    if (this.#suffix !== null) affixes.push([DOMAIN_SUFFIX, this.#suffix]);
    const maxValue = this.#maxValue;
    for (const [keyword, values] of _pairs(bindings, 'bindings')) {
      const { dk, name } = exactKeyword(keyword);
      const exact = opOf(dk, name);
      const bytes = affixes.length > 0 ? dk.slice(1) : dk;
      for (const value of _iter(values, 'values')) {
        const v = abytes(value, 'value', 1, maxValue);
        exact.push(kind, v);
        for (const [domain, config] of affixes) {
          for (const e of affixEntries(domain, config, keyword, bytes, v)) {
            if (e.payload.length > maxValue || (e.payload[0] as number) > MAX_REST_BYTES) {
              throw new RangeError(
                'keyword and value too long for prefix/suffix indexing with this cellSize',
              );
            }
            opOf(e.dk, bytesKey(e.dk)).push(kind, e.payload);
          }
        }
      }
    }
    const list: _Op[] = [];
    for (const [name, op] of ops)
      if (op.run.length > 0) list.push({ dk: op.dk, name, run: op.run.bytes() });
    if (list.length > 0) await this.#engine.append(list);
  }

  async _links(links: Links, kind: number): Promise<void> {
    const ops = new Map<string, { dk: Uint8Array; run: _EntryRun }>();
    for (const [alias, targets] of _pairs(links, 'links')) {
      const { dk, name } = exactKeyword(alias, 'alias');
      let op = ops.get(name);
      if (op === undefined) {
        op = { dk, run: new _EntryRun() };
        ops.set(name, op);
      }
      for (const t of _iter(targets, 'targets')) {
        const tb = keywordBytes(t, 'target');
        if (tb.length > this.#maxValue)
          throw new RangeError('target keyword too long for this cellSize');
        op.run.push(kind, tb);
      }
    }
    const list: _Op[] = [];
    for (const [name, op] of ops)
      if (op.run.length > 0) list.push({ dk: op.dk, name, run: op.run.bytes() });
    if (list.length > 0) await this.#engine.append(list);
  }

  _node(query: unknown, depth: number): _Node {
    if (depth > MAX_QUERY_DEPTH)
      throw new RangeError(`queries nest at most ${MAX_QUERY_DEPTH} levels`);
    if (typeof query === 'string' || isBytes(query)) {
      return {
        t: 'leaf',
        dk: domainKeyword(DOMAIN_EXACT, keywordBytes(query, 'query')),
        affix: false,
        filter: null,
        synonyms: true,
      };
    }
    const q = aobject(query, 'query');
    const keys = Object.keys(q);
    if ('exact' in q) {
      if (keys.some((k) => k !== 'exact' && k !== 'synonyms')) {
        throw new TypeError('a query object has exactly one of exact, prefix, suffix, and, or');
      }
      const synonyms = q['synonyms'] === undefined ? true : q['synonyms'];
      if (typeof synonyms !== 'boolean') throw new TypeError('query.synonyms must be a boolean');
      return {
        t: 'leaf',
        dk: domainKeyword(DOMAIN_EXACT, keywordBytes(q['exact'], 'query.exact')),
        affix: false,
        filter: null,
        synonyms,
      };
    }
    if (keys.length !== 1)
      throw new TypeError('a query object has exactly one of exact, prefix, suffix, and, or');
    if ('prefix' in q || 'suffix' in q) {
      const isPrefix = 'prefix' in q;
      const config = isPrefix ? this.#prefix : this.#suffix;
      const name = isPrefix ? 'prefix' : 'suffix';
      if (config === null) throw new RangeError(`${name} queries need the ${name} option`);
      const a = affixQuery(
        isPrefix ? DOMAIN_PREFIX : DOMAIN_SUFFIX,
        config,
        q[name] as Keyword,
        `query.${name}`,
      );
      return { t: 'leaf', dk: a.dk, affix: true, filter: a.filter, synonyms: false };
    }
    if ('and' in q || 'or' in q) {
      const t = 'and' in q ? 'and' : 'or';
      const list = q[t];
      if (!Array.isArray(list) || list.length === 0)
        throw new TypeError(`query.${t} must be a non-empty array`);
      return { t, children: (list as unknown[]).map((c) => this._node(c, depth + 1)) };
    }
    throw new TypeError('a query object has exactly one of exact, prefix, suffix, and, or');
  }

  /** The result value an entry of a leaf stands for (affix entries carry rest ‖ value). */
  _valueOf(node: _Node, entryValue: Uint8Array): Uint8Array | null {
    if (node.t !== 'leaf' || !node.affix) return entryValue;
    const split = splitAffixPayload(entryValue);
    if (split === null) throw new TamperDetected('malformed prefix/suffix entry');
    if (node.filter !== null && !node.filter(split.rest)) return null;
    return split.value;
  }

  async _eval(node: _Node, byKey: _Leafs): Promise<Map<string, Uint8Array>> {
    if (node.t === 'leaf') {
      const leaf = byKey.get(bytesKey(node.dk)) as _Leaf;
      await this.#engine.complete([leaf]);
      if (!node.affix) return this._exactValues(leaf, node.synonyms, byKey);
      const payloads = replay(leaf.runs as Uint8Array[]).values;
      const out = new Map<string, Uint8Array>();
      for (const p of payloads.values()) {
        const v = this._valueOf(node, p);
        if (v !== null) out.set(bytesKey(v), v);
      }
      return out;
    }
    if (node.t === 'or') {
      // Fetch every chain under this OR in one round trip, then union.
      await this.#engine.complete(_leavesOf(node).map((l) => byKey.get(bytesKey(l.dk)) as _Leaf));
      const out = new Map<string, Uint8Array>();
      for (const c of node.children) for (const [k, v] of await this._eval(c, byKey)) out.set(k, v);
      return out;
    }
    // AND: smallest terms first (sizes from the headers), stop as soon as nothing is left.
    const size = (n: _Node): number =>
      n.t === 'leaf'
        ? (byKey.get(bytesKey(n.dk)) as _Leaf).estimate(this.#engine.o.cellSize)
        : n.t === 'and'
          ? Math.min(...n.children.map(size))
          : n.children.reduce((s, c) => s + size(c), 0);
    const order = [...node.children].sort((a, b) => size(a) - size(b));
    let acc: Map<string, Uint8Array> | null = null;
    for (const child of order) {
      if (child.t === 'leaf' && size(child) === 0 && !child.synonyms) return new Map();
      const s = await this._eval(child, byKey);
      if (acc === null) acc = s;
      else for (const k of [...acc.keys()]) if (!s.has(k)) acc.delete(k);
      if (acc.size === 0) return acc;
    }
    return acc ?? new Map();
  }

  /** Values of an exact leaf, plus those of its link targets up to `synonymDepth` hops. */
  async _exactValues(
    leaf: _Leaf,
    synonyms: boolean,
    byKey: _Leafs,
  ): Promise<Map<string, Uint8Array>> {
    const { values, links } = replay(leaf.runs as Uint8Array[]);
    // A fresh map on every call (replay builds it), so callers may own and change it.
    if (!synonyms || this.#synonymDepth === 0 || links.size === 0) return values;
    const out = values;
    const visited = new Set<string>([bytesKey(leaf.dk)]);
    let frontier = [...links.values()].map((t) => domainKeyword(DOMAIN_EXACT, t));
    for (let depth = 0; depth < this.#synonymDepth && frontier.length > 0; depth++) {
      const fresh = _unique(frontier.filter((dk) => !visited.has(bytesKey(dk))));
      for (const dk of fresh) visited.add(bytesKey(dk));
      const toRead = fresh.filter((dk) => byKey.get(bytesKey(dk))?.runs == null);
      if (toRead.length > 0)
        for (const l of await this.#engine.read(toRead)) byKey.set(bytesKey(l.dk), l);
      const next: Uint8Array[] = [];
      for (const dk of fresh) {
        const r = replay((byKey.get(bytesKey(dk)) as _Leaf).runs as Uint8Array[]);
        for (const [k, v] of r.values) out.set(k, v);
        for (const t of r.links.values()) next.push(domainKeyword(DOMAIN_EXACT, t));
      }
      frontier = next;
    }
    return out;
  }
}

function _leavesOf(node: _Node): (_Node & { t: 'leaf' })[] {
  if (node.t === 'leaf') return [node];
  return node.children.flatMap(_leavesOf);
}

function _hasAnd(node: _Node): boolean {
  return node.t === 'and' || (node.t === 'or' && node.children.some(_hasAnd));
}

function _orOfLeaves(node: _Node): boolean {
  return node.t === 'leaf' || (node.t === 'or' && node.children.every(_orOfLeaves));
}

function _unique(dks: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Map<string, Uint8Array>();
  for (const dk of dks) seen.set(bytesKey(dk), dk);
  return [...seen.values()];
}

function _store(value: unknown): FindexStore {
  const s = value as Partial<FindexStore> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.batchRead !== 'function' ||
    typeof s.guardedWrite !== 'function'
  ) {
    throw new TypeError('options.store must be a FindexStore');
  }
  return s as FindexStore;
}

function _affix(value: unknown, label: string): AffixConfig | null {
  if (value === undefined) return null;
  const o = aobject(value, label);
  const min = aint(o['min'], `${label}.min`, 1, 64);
  const max = aint(o['max'] ?? min + 15, `${label}.max`, min, 128);
  return { min, max };
}

function _nonNegative(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new RangeError(`${label} must be a finite number ≥ 0`);
  return value;
}

function* _pairs<A, B>(
  items: Iterable<readonly [A, B]>,
  label: string,
): Generator<readonly [A, B]> {
  for (const pair of _iter(items, label) as Iterable<unknown>) {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new TypeError(`${label} must hold [key, values] pairs`);
    yield pair as unknown as readonly [A, B];
  }
}

function _iter<T>(items: Iterable<T>, label: string): Iterable<T> {
  const value: unknown = items;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Partial<Iterable<T>>)[Symbol.iterator] !== 'function' ||
    isBytes(value)
  ) {
    throw new TypeError(`${label} must be an iterable`);
  }
  return items;
}
