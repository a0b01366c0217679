/**
 * The Redis store. Node only. Each address is one Redis string key, `{prefix}:` followed by the
 * raw address bytes; the braces make `prefix` a hash tag, so all of an index's keys live in one
 * cluster slot and the Lua script below may touch any of them atomically (on Redis Cluster an
 * index is therefore served by one shard).
 *
 * `batchRead` is one `MGET`. `guardedWrite` is one `EVALSHA` of a Lua script that GETs every
 * guard, compares it with the expected cell, and only if all match SETs/DELs every write; Redis
 * runs a script atomically. The script is loaded once with `SCRIPT LOAD` (so no hash is computed
 * here); after a `NOSCRIPT` reply (server restart, `SCRIPT FLUSH`) it is loaded again.
 */
import { createClient, RESP_TYPES } from 'redis';
import { Buffer } from 'node:buffer';
import {
  checkAddresses,
  checkGuardedWrite,
  type FindexStore,
  type Guard,
  type StoreStats,
  type Write,
} from './store.ts';
import { StoreError } from './errors.ts';

/**
 * KEYS = guard keys then write keys; ARGV[1] = number of guards, then one expected cell per guard
 * ('' = absent; real cells are never empty), then one value per write ('' = delete).
 * Returns the value found at each guard (nil where absent).
 */
const GUARDED_WRITE_LUA = `
local ng = tonumber(ARGV[1])
local cur = {}
local ok = true
for i = 1, ng do
  local v = redis.call('GET', KEYS[i])
  cur[i] = v
  if ok then
    local e = ARGV[i + 1]
    if v then ok = (v == e) else ok = (e == '') end
  end
end
if ok then
  for j = ng + 1, #KEYS do
    local w = ARGV[j + 1]
    if w == '' then redis.call('DEL', KEYS[j]) else redis.call('SET', KEYS[j], w) end
  end
end
return cur
`;

const SUM_STRLEN_LUA = `
local s = 0
for i = 1, #KEYS do s = s + redis.call('STRLEN', KEYS[i]) end
return s
`;

const PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;
const BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;
const EMPTY = Buffer.alloc(0);

/** The one method the store needs from a node-redis client (v5 or later). */
export interface RedisCommander {
  sendCommand(args: ReadonlyArray<string | Buffer>, options?: object): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** Key prefix, used as a cluster hash tag (letters, digits, `_.:-`). Default `findex`. */
  readonly prefix?: string;
}

export class RedisStore implements FindexStore {
  readonly prefix: string;
  readonly #client: RedisCommander;
  readonly #keyPrefix: Buffer;
  readonly #close: (() => Promise<void>) | undefined;
  #sha: string | undefined;

  /**
   * Uses a connected node-redis client (not closed by `close()`).
   * @throws RangeError on an invalid prefix.
   */
  constructor(
    client: RedisCommander,
    options: RedisStoreOptions = {},
    close?: () => Promise<void>,
  ) {
    const c = client as Partial<RedisCommander> | null;
    if (typeof c !== 'object' || c === null || typeof c.sendCommand !== 'function') {
      throw new TypeError('client must be a node-redis client');
    }
    const prefix = options.prefix ?? 'findex';
    if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
      throw new RangeError('prefix must be 1-64 letters, digits or _.:-');
    }
    this.prefix = prefix;
    this.#client = client;
    this.#keyPrefix = Buffer.from(`{${prefix}}:`, 'latin1');
    this.#close = close;
  }

  /** Connects a new client to `url` (e.g. `redis://127.0.0.1:6379`); `close()` disconnects it. */
  static async connect(
    url: string,
    options: RedisStoreOptions & { connectTimeoutMs?: number } = {},
  ): Promise<RedisStore> {
    const client = createClient({
      url,
      socket: { connectTimeout: options.connectTimeoutMs ?? 5000, reconnectStrategy: false },
    });
    client.on('error', () => {
      // Errors surface through the failing command's promise; without a listener node-redis
      // would also throw them from an event emitter and crash the process.
    });
    await client.connect();
    return new RedisStore(client, options, async () => {
      await client.close();
    });
  }

  batchRead(addresses: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    return this._batchRead(addresses);
  }

  async _batchRead(addresses: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    const list = checkAddresses(addresses);
    if (list.length === 0) return [];
    const reply = await this._send(['MGET', ...list.map((a) => this._key(a))]);
    return _cells(reply, list.length, 'MGET');
  }

  guardedWrite(guards: readonly Guard[], writes: readonly Write[]): Promise<(Uint8Array | null)[]> {
    return this._guardedWrite(guards, writes);
  }

  async _guardedWrite(
    guards: readonly Guard[],
    writes: readonly Write[],
  ): Promise<(Uint8Array | null)[]> {
    const args = checkGuardedWrite(guards, writes);
    const keys: Buffer[] = [];
    const argv: (string | Buffer)[] = [String(args.guards.length)];
    for (const g of args.guards) {
      keys.push(this._key(g.address));
      argv.push(g.expected === null ? EMPTY : _buf(g.expected));
    }
    for (const w of args.writes) {
      keys.push(this._key(w.address));
      argv.push(w.value === null ? EMPTY : _buf(w.value));
    }
    const tail = [String(keys.length), ...keys, ...argv];
    let reply: unknown;
    try {
      reply = await this._send(['EVALSHA', await this._scriptSha(), ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      this.#sha = undefined;
      reply = await this._send(['EVALSHA', await this._scriptSha(), ...tail]);
    }
    return _cells(reply, args.guards.length, 'guardedWrite');
  }

  /** Keys under this prefix and their payload bytes (address + cell); scans the keyspace. */
  async stats(): Promise<StoreStats> {
    let cells = 0;
    let bytes = 0;
    for await (const keys of this._scan()) {
      cells += keys.length;
      bytes += keys.length * 16;
      for (const k of keys) bytes += k.length - this.#keyPrefix.length - 16;
      const sum = await this._send(['EVAL', SUM_STRLEN_LUA, String(keys.length), ...keys]);
      bytes += Number(sum);
    }
    return { cells, bytes };
  }

  /** Deletes every key under this prefix (tests clean up with this). */
  async clear(): Promise<void> {
    for await (const keys of this._scan()) await this._send(['UNLINK', ...keys]);
  }

  /** Disconnects the client if `connect()` created it. */
  async close(): Promise<void> {
    if (this.#close !== undefined) await this.#close();
  }

  async *_scan(): AsyncGenerator<Buffer[]> {
    let cursor = '0';
    const pattern = Buffer.concat([this.#keyPrefix, Buffer.from('*')]);
    do {
      const reply = (await this._send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000'])) as [
        Buffer,
        Buffer[],
      ];
      cursor = reply[0].toString();
      if (reply[1].length > 0) yield reply[1];
    } while (cursor !== '0');
  }

  async _scriptSha(): Promise<string> {
    if (this.#sha === undefined) {
      const sha = await this._send(['SCRIPT', 'LOAD', GUARDED_WRITE_LUA]);
      this.#sha = Buffer.isBuffer(sha) ? sha.toString('latin1') : String(sha);
    }
    return this.#sha;
  }

  _key(address: Uint8Array): Buffer {
    return Buffer.concat([this.#keyPrefix, address]);
  }

  async _send(args: (string | Buffer)[]): Promise<unknown> {
    try {
      return await this.#client.sendCommand(args, BUFFERS);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) throw error;
      throw new StoreError('redis command failed', { cause: error });
    }
  }
}

function _buf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function _cells(reply: unknown, length: number, operation: string): (Uint8Array | null)[] {
  if (!Array.isArray(reply) || reply.length !== length) {
    throw new StoreError(`redis ${operation} returned an unexpected reply`);
  }
  return (reply as unknown[]).map((v) => {
    if (v === null || v === undefined || v === false) return null;
    if (!Buffer.isBuffer(v)) throw new StoreError(`redis ${operation} returned a non-bytes cell`);
    return new Uint8Array(v); // copy: the parser's buffer may be pooled
  });
}
