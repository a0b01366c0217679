import { Findex, InMemoryStore } from './src/index.ts';
const fx = new Findex({ store: new InMemoryStore(), key: new Uint8Array(32) });
const id = new Uint8Array(8);
for (const b of [null, 'ab', [['k']], [['k', id]], [['', [id]]], [[42, [id]]], [['k', ['v']]], [['k', [new Uint8Array(0)]]], [['k', [new Uint8Array(fx.maxValueLength + 1)]]], [['x'.repeat(1025), [id]]]]) {
  try { await fx.insert(b as never); console.log('NO REJECT', b); } catch (e) { console.log((e as Error).constructor.name); }
}
for (const q of [null, 1, {}, { and: [] }, { or: 'a' }, { prefix: 'abc' }, { exact: 'a', prefix: 'b' }, { exact: 'a', synonyms: 'yes' }]) {
  try { await fx.query(q as never); console.log('NO REJECT q', q); } catch (e) { console.log((e as Error).constructor.name); }
}
