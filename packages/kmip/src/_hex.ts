/** Hex and two's-complement helpers shared by the codecs (no `Buffer`: runs in browsers). */

const HEX_UPPER = '0123456789ABCDEF';
const HEX_LOWER = '0123456789abcdef';

export function bytesToHex(bytes: Uint8Array, upper = true): string {
  const digits = upper ? HEX_UPPER : HEX_LOWER;
  let out = '';
  for (const b of bytes) out += (digits[b >> 4] as string) + (digits[b & 15] as string);
  return out;
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Bytes of an even-length hex string (either case, no prefix), or undefined if malformed. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i));
    const lo = nibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Value of big-endian two's-complement bytes (empty → 0). */
export function twosComplementToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${bytesToHex(bytes)}`);
  return (bytes[0] as number) & 0x80 ? unsigned - (1n << BigInt(bytes.length * 8)) : unsigned;
}

/**
 * Shortest big-endian two's-complement encoding of `value`, sign-extended to a multiple of
 * `multiple` bytes (the KMIP BigInteger rule is 8).
 */
export function bigintToTwosComplement(value: bigint, multiple = 8): Uint8Array {
  // Smallest n with -2^(8n-1) <= value < 2^(8n-1): one sign bit plus the magnitude bits.
  const magnitude = value < 0n ? -value - 1n : value;
  const bits = magnitude === 0n ? 0 : magnitude.toString(2).length;
  const length = Math.ceil((Math.floor(bits / 8) + 1) / multiple) * multiple;
  const unsigned = value < 0n ? (1n << BigInt(8 * length)) + value : value;
  const hex = unsigned.toString(16).padStart(length * 2, '0');
  return hexToBytes(hex) as Uint8Array;
}
