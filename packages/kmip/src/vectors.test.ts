/**
 * OASIS KMIP conformance vectors (KMIP Profiles v2.1 and v1.4 test cases, XML encoding): every
 * file parses; every message converts to binary TTLV, JSON TTLV (both styles) and XML TTLV and
 * back to the same tree; every message maps to the typed Request/Response Message and back to
 * the same tree; every payload of a supported operation maps to its typed payload and back.
 *
 * Typed payloads hold attributes in an object, so attribute containers (Attributes,
 * Template-Attribute, bare 1.x Attribute lists) come back in specification order: for payloads
 * the comparison treats those containers as sets. Everything else is compared exactly.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeTtlv, encodeTtlv } from './binary.ts';
import { decodeJson, encodeJson } from './json.ts';
import {
  decodeRequestMessage,
  decodeResponseMessage,
  encodeRequestMessage,
  encodeResponseMessage,
  messageVersion,
} from './message.ts';
import {
  decodeRequestPayload,
  decodeResponsePayload,
  encodeRequestPayload,
  encodeResponsePayload,
  isKnownOperation,
} from './payloads.ts';
import { Tag } from './tags.ts';
import { ttlvEquals, type TtlvItem } from './ttlv.ts';
import { decodeXmlSequence, encodeXml } from './xml.ts';
import { loadXmlVectors, vectorsSkipReason } from './_test/vectors.ts';

const ATTRIBUTE_SETS: ReadonlySet<number> = new Set([
  Tag.Attributes,
  Tag.CommonAttributes,
  Tag.PrivateKeyAttributes,
  Tag.PublicKeyAttributes,
  Tag.TemplateAttribute,
  Tag.CommonTemplateAttribute,
  Tag.PrivateKeyTemplateAttribute,
  Tag.PublicKeyTemplateAttribute,
]);

function order(a: TtlvItem, b: TtlvItem): number {
  const x = encodeXml(a, { indent: '' });
  const y = encodeXml(b, { indent: '' });
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sorts attribute containers, and bare 1.x Attribute items among themselves. */
function canonical(item: TtlvItem): TtlvItem {
  if (item.type !== 'Structure') return item;
  const children = item.value.map(canonical);
  if (ATTRIBUTE_SETS.has(item.tag)) children.sort(order);
  else {
    const at = children.flatMap((c, i) => (c.tag === Tag.Attribute ? [i] : []));
    const sorted = at.map((i) => children[i] as TtlvItem).sort(order);
    at.forEach((i, n) => (children[i] = sorted[n] as TtlvItem));
  }
  return { ...item, value: children };
}

interface Counts {
  messages: number;
  payloads: number;
  unsupported: number;
}

function checkFile(text: string, counts: Counts, requireAllOperations: boolean): void {
  const messages = decodeXmlSequence(text);
  assert.ok(messages.length >= 2, 'a vector file holds requests and responses');
  for (const message of messages) {
    counts.messages++;
    assert.ok(ttlvEquals(decodeTtlv(encodeTtlv(message)), message), 'binary round trip');
    for (const style of ['oasis', 'cosmian'] as const) {
      assert.ok(
        ttlvEquals(decodeJson(encodeJson(message, { style })), message),
        `JSON ${style} round trip`,
      );
    }
    const [again] = decodeXmlSequence(`<KMIP>${encodeXml(message)}</KMIP>`);
    assert.ok(again !== undefined && ttlvEquals(again, message), 'XML round trip');

    const isRequest = message.tag === Tag.RequestMessage;
    assert.ok(isRequest || message.tag === Tag.ResponseMessage);
    const typed = isRequest ? decodeRequestMessage(message) : decodeResponseMessage(message);
    const back = isRequest
      ? encodeRequestMessage(typed as never)
      : encodeResponseMessage(typed as never);
    assert.ok(ttlvEquals(back, message), 'typed message round trip');

    const version = messageVersion(message);
    assert.ok(version !== undefined);
    for (const item of typed.batchItems ?? []) {
      if (item.payload === undefined) continue;
      if (!isKnownOperation(item.operation ?? -1)) {
        counts.unsupported++;
        assert.ok(!requireAllOperations, `operation ${item.operation} has no typed payload`);
        continue;
      }
      const op = item.operation as Parameters<typeof decodeRequestPayload>[0];
      const payload = isRequest
        ? encodeRequestPayload(
            op,
            decodeRequestPayload(op, item.payload, version) as never,
            version,
          )
        : encodeResponsePayload(
            op,
            decodeResponsePayload(op, item.payload, version) as never,
            version,
          );
      assert.ok(
        ttlvEquals(canonical(payload), canonical(item.payload)),
        `typed payload round trip (operation ${op})`,
      );
      counts.payloads++;
    }
  }
}

const SUITES = [
  { dir: 'kmip-2.1/mandatory', files: 86, requireAll: true },
  { dir: 'kmip-2.1/optional', files: 7, requireAll: true },
  { dir: 'kmip-2.1/testcases-v2.1-cn01', files: 4, requireAll: false },
  { dir: 'kmip-1.4/mandatory', files: 68, requireAll: true },
  { dir: 'kmip-1.4/optional', files: 7, requireAll: true },
] as const;

for (const suite of SUITES) {
  const skip = vectorsSkipReason(suite.dir);
  void describe(`OASIS vectors ${suite.dir}`, { skip }, () => {
    const files = skip === false ? loadXmlVectors(suite.dir) : [];
    const counts: Counts = { messages: 0, payloads: 0, unsupported: 0 };
    void test(`holds the ${suite.files} published files`, () => {
      assert.equal(files.length, suite.files);
    });
    for (const file of files) {
      void test(file.name, () => {
        checkFile(file.text, counts, suite.requireAll);
      });
    }
    void test('counts', (t) => {
      assert.ok(counts.messages > 0 && counts.payloads > 0);
      t.diagnostic(
        `${counts.messages} messages, ${counts.payloads} typed payloads, ${counts.unsupported} payloads of unsupported operations`,
      );
    });
  });
}
