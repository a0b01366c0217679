/** Assertions shared by the KMS tests. */
import assert from 'node:assert/strict';
import { KmipResultError, ResultReason, enumName } from '@custos/kmip';

/** Awaits `promise` and checks it fails with the KMIP Result Reason `reason`. */
export async function rejectsWithReason(
  promise: Promise<unknown>,
  reason: number,
  message?: RegExp,
): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof KmipResultError, `expected a KMIP failure, got ${String(error)}`);
    assert.equal(
      error.resultReason,
      reason,
      `expected ${enumName('ResultReason', reason) ?? reason}, got ${enumName('ResultReason', error.resultReason) ?? error.resultReason}: ${error.message}`,
    );
    if (message !== undefined) assert.match(error.message, message);
    return;
  }
  assert.fail(`expected a failure with ${enumName('ResultReason', reason) ?? reason}`);
}

export { ResultReason };

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function fromHex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'));
}
