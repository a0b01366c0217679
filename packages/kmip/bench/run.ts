/**
 * `npm run bench`: encode and decode rates of a Create and an Encrypt request message in each
 * encoding (binary TTLV, JSON TTLV in Cosmian style, XML TTLV), plus the typed layer (typed
 * message ↔ tree). Prints a Markdown table.
 */
import { cpus, totalmem } from 'node:os';
import { decodeTtlv, encodeTtlv } from '../src/binary.ts';
import * as B from '../src/builders.ts';
import { decodeJson, encodeJson } from '../src/json.ts';
import { decodeRequestMessage, encodeRequestMessage } from '../src/message.ts';
import { decodeRequestPayload } from '../src/payloads.ts';
import { decodeXml, encodeXml } from '../src/xml.ts';
import { filter, format, measure } from './_harness.ts';

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log('# @custos/kmip benchmarks');
console.log(
  `\n${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
);

const messages = {
  'Create AES-256': B.requestMessage([
    B.createSymmetricKey({
      length: 256,
      name: 'bench-key',
      activationDate: new Date(1_700_000_000_000),
    }),
  ]),
  'Encrypt 64 B AES-GCM': B.requestMessage([
    B.encrypt('0b4c7a1e-5b2d-4c1e-9f6a-3d2e1c0b9a88', new Uint8Array(64).fill(7), {
      cryptographicParameters: { blockCipherMode: 9, cryptographicAlgorithm: 3 },
      ivCounterNonce: new Uint8Array(12),
      authenticatedEncryptionAdditionalData: new Uint8Array(16),
    }),
  ]),
};

console.log('| message | encoding | size | encode (tree → wire) | decode (wire → tree) |');
console.log('|---|---|---:|---:|---:|');
for (const [name, message] of Object.entries(messages)) {
  const tree = encodeRequestMessage(message);
  const bytes = encodeTtlv(tree);
  const json = encodeJson(tree);
  const xml = encodeXml(tree, { indent: '' });
  const rows: [string, number, () => unknown, () => unknown][] = [
    ['binary TTLV', bytes.length, () => encodeTtlv(tree), () => decodeTtlv(bytes)],
    ['JSON TTLV', json.length, () => encodeJson(tree), () => decodeJson(json)],
    ['XML TTLV', xml.length, () => encodeXml(tree, { indent: '' }), () => decodeXml(xml)],
  ];
  for (const [encoding, size, encode, decode] of rows) {
    if (filter !== undefined && !filter.test(`${name} ${encoding}`)) continue;
    console.log(
      `| ${name} | ${encoding} | ${size} B | ${format(measure(encode))} | ${format(measure(decode))} |`,
    );
  }
  if (filter === undefined || filter.test(`${name} typed`)) {
    const typedEncode = () => encodeRequestMessage(message);
    const typedDecode = () => {
      const m = decodeRequestMessage(tree);
      const item = m.batchItems[0];
      if (item !== undefined) decodeRequestPayload(item.operation as 1, item.payload);
    };
    console.log(
      `| ${name} | typed message ↔ tree | — | ${format(measure(typedEncode))} | ${format(measure(typedDecode))} |`,
    );
  }
}
