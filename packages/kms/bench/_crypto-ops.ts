/**
 * Requests for the "server crypto operations" section of the benchmark: ECDSA P-256 sign, RSA-2048
 * decrypt (RSA-OAEP, the server's default) and Covercrypt encrypt of 1 KiB, all as bare JSON
 * operations on `POST /kmip/2_1`. Keys are created through the server first; an operation the
 * server does not implement (HTTP 501, ERR_KMS_OPERATION_NOT_SUPPORTED) yields a "skipped" row,
 * decided at run time, and any other failure a "failed" row with the server's answer.
 */
import {
  CryptographicAlgorithm,
  CryptographicUsageMask,
  DigitalSignatureAlgorithm,
  Operation,
  RecommendedCurve,
  Tag,
  batchItem,
  createKeyPair,
  encodeJsonOperation,
  encodeRequestPayload,
  encrypt,
  sign,
  decrypt,
  type BatchRequest,
  type KnownOperation,
} from '@custos/kmip';

/** POSTs a JSON body to /kmip/2_1 and returns the status and body. */
export type Post = (body: Buffer) => Promise<{ status: number; body: Buffer }>;

export type OpRow = { name: string; body: Buffer } | { name: string; skipped: string };

const PAST = new Date(Date.now() - 60_000);
const COVERCRYPT = 0x88800004;

function json<Op extends KnownOperation>(item: BatchRequest<Op>): Buffer {
  return Buffer.from(
    encodeJsonOperation(item.operation, false, encodeRequestPayload(item.operation, item.payload)),
  );
}

interface JsonNode {
  tag: string;
  value: unknown;
}

class Refused extends Error {}

/** Sends a request; the fields of a success, else throws with a row-ready reason. */
async function call(post: Post, body: Buffer): Promise<JsonNode[]> {
  const r = await post(body);
  const text = r.body.toString();
  if (r.status === 200) return (JSON.parse(text) as { value: JsonNode[] }).value;
  if (r.status === 501 && text.includes('ERR_KMS_OPERATION_NOT_SUPPORTED')) {
    const op = /"tag":"(\w+)"/.exec(body.toString())?.[1] ?? 'operation';
    throw new Refused(`skipped: operation not registered (${op})`);
  }
  throw new Refused(`failed: HTTP ${r.status} ${text.slice(0, 120)}`);
}

function field(nodes: JsonNode[], tag: string): string {
  const v = nodes.find((n) => n.tag === tag)?.value;
  if (typeof v !== 'string') throw new Refused(`failed: no ${tag} in the response`);
  return v;
}

async function row(name: string, build: () => Promise<Buffer>, post: Post): Promise<OpRow> {
  try {
    const body = await build();
    await call(post, body); // the measured request works
    return { name, body };
  } catch (error) {
    if (error instanceof Refused) return { name, skipped: error.message };
    throw error;
  }
}

export async function cryptoOpRows(post: Post): Promise<OpRow[]> {
  const data1k = new Uint8Array(1024).fill(0x61);
  const keyPair = async (item: ReturnType<typeof createKeyPair>): Promise<[string, string]> => {
    const r = await call(post, json(item));
    return [field(r, 'PrivateKeyUniqueIdentifier'), field(r, 'PublicKeyUniqueIdentifier')];
  };
  const rows: OpRow[] = [];
  rows.push(
    await row(
      'ECDSA P-256 sign (64 B, SHA-256)',
      async () => {
        const [priv] = await keyPair(
          createKeyPair({
            algorithm: CryptographicAlgorithm.ECDSA,
            curve: RecommendedCurve.P_256,
            commonAttributes: { activationDate: PAST },
          }),
        );
        return json(
          sign(
            priv,
            { data: new Uint8Array(64).fill(0x62) },
            { digitalSignatureAlgorithm: DigitalSignatureAlgorithm.ECDSAWithSHA256 },
          ),
        );
      },
      post,
    ),
  );
  rows.push(
    await row(
      'RSA-2048 decrypt (OAEP, 32 B)',
      async () => {
        const [priv, pub] = await keyPair(
          createKeyPair({
            algorithm: CryptographicAlgorithm.RSA,
            length: 2048,
            privateKeyUsageMask: CryptographicUsageMask.Decrypt,
            publicKeyUsageMask: CryptographicUsageMask.Encrypt,
            commonAttributes: { activationDate: PAST },
          }),
        );
        const e = await call(post, json(encrypt(pub, new Uint8Array(32).fill(0x63))));
        return json(decrypt(priv, Buffer.from(field(e, 'Data'), 'hex')));
      },
      post,
    ),
  );
  rows.push(
    await row(
      'Covercrypt encrypt 1 KiB (1 hybrid right, hidden policy)',
      async () => {
        const structure = JSON.stringify({
          'Security Level::<': ['Protected::+', 'Confidential::+', 'Top Secret::+'],
          Department: ['R&D::+', 'HR::+', 'MKG::+', 'FIN::+'],
        });
        const [, mpk] = await keyPair(
          batchItem(Operation.CreateKeyPair, {
            commonAttributes: {
              cryptographicAlgorithm: COVERCRYPT,
              activationDate: PAST,
              vendorAttributes: [
                {
                  vendorIdentification: 'cosmian',
                  attributeName: 'cover_crypt_access_structure',
                  attributeValue: {
                    tag: Tag.AttributeValue,
                    type: 'ByteString',
                    value: new TextEncoder().encode(structure),
                  },
                },
              ],
            },
          }),
        );
        // Cosmian's layout: LEB128 policy length (one byte here), policy, plaintext.
        const policy = new TextEncoder().encode('Department::FIN && Security Level::Protected');
        return json(encrypt(mpk, Uint8Array.from([policy.length, ...policy, ...data1k])));
      },
      post,
    ),
  );
  return rows;
}
