/**
 * `@custos/kmip`: the KMIP 1.0–2.1 model shared by the Custos KMS, CLI and UI — TTLV tree,
 * binary/JSON/XML codecs, messages, typed payloads, builders and a fetch-based HTTP client.
 * Runs in browsers and Node; the TLS socket client is the Node-only subpath
 * `@custos/kmip/tls-client`.
 */
export * from './ttlv.ts';
export * from './tags.ts';
export * from './enums.ts';
export * from './masks.ts';
export * from './errors.ts';
export { DEFAULT_LIMITS, type DecodeLimits } from './_limits.ts';
export * from './binary.ts';
export * from './json.ts';
export * from './xml.ts';
export * from './wire.ts';
export * from './attributes.ts';
export * from './objects.ts';
export * from './message.ts';
export * from './payloads.ts';
export * from './builders.ts';
export * from './client.ts';
export * from './http-client.ts';
