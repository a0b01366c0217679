/**
 * Payloads of the cryptographic service operations: Encrypt, Decrypt, Sign, Signature Verify,
 * MAC, MAC Verify, Hash, RNG Retrieve, RNG Seed (KMIP 2.1 §6.1; multi-part operations use
 * Correlation Value with Init/Final Indicator).
 */
import { cryptographicParameters, uniqueIdentifier } from './attributes.ts';
import {
  boolean,
  byteString,
  enumeration,
  integer,
  one,
  opt,
  struct,
  type Infer,
} from './_schema.ts';
import { Tag } from './tags.ts';

const uid = opt('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier);
const uidRequired = one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier);
const params = opt('cryptographicParameters', Tag.CryptographicParameters, cryptographicParameters);
const data = opt('data', Tag.Data, byteString);
const correlation = opt('correlationValue', Tag.CorrelationValue, byteString);
const init = opt('initIndicator', Tag.InitIndicator, boolean);
const final = opt('finalIndicator', Tag.FinalIndicator, boolean);

export const encryptRequest = struct([
  uid,
  params,
  data,
  opt('ivCounterNonce', Tag.IVCounterNonce, byteString),
  correlation,
  init,
  final,
  opt(
    'authenticatedEncryptionAdditionalData',
    Tag.AuthenticatedEncryptionAdditionalData,
    byteString,
  ),
]);
export type EncryptRequest = Infer<typeof encryptRequest>;

export const encryptResponse = struct([
  uidRequired,
  data,
  opt('ivCounterNonce', Tag.IVCounterNonce, byteString),
  correlation,
  opt('authenticatedEncryptionTag', Tag.AuthenticatedEncryptionTag, byteString),
]);
export type EncryptResponse = Infer<typeof encryptResponse>;

export const decryptRequest = struct([
  uid,
  params,
  data,
  opt('ivCounterNonce', Tag.IVCounterNonce, byteString),
  correlation,
  init,
  final,
  opt(
    'authenticatedEncryptionAdditionalData',
    Tag.AuthenticatedEncryptionAdditionalData,
    byteString,
  ),
  opt('authenticatedEncryptionTag', Tag.AuthenticatedEncryptionTag, byteString),
]);
export type DecryptRequest = Infer<typeof decryptRequest>;

export const decryptResponse = struct([uidRequired, data, correlation]);
export type DecryptResponse = Infer<typeof decryptResponse>;

export const signRequest = struct([
  uid,
  params,
  data,
  opt('digestedData', Tag.DigestedData, byteString),
  correlation,
  init,
  final,
]);
export type SignRequest = Infer<typeof signRequest>;

export const signResponse = struct([
  uidRequired,
  opt('signatureData', Tag.SignatureData, byteString),
  correlation,
]);
export type SignResponse = Infer<typeof signResponse>;

export const signatureVerifyRequest = struct([
  uid,
  params,
  data,
  opt('digestedData', Tag.DigestedData, byteString),
  opt('signatureData', Tag.SignatureData, byteString),
  correlation,
  init,
  final,
]);
export type SignatureVerifyRequest = Infer<typeof signatureVerifyRequest>;

export const signatureVerifyResponse = struct([
  uidRequired,
  opt('validityIndicator', Tag.ValidityIndicator, enumeration),
  data,
  correlation,
]);
export type SignatureVerifyResponse = Infer<typeof signatureVerifyResponse>;

export const macRequest = struct([uid, params, data, correlation, init, final]);
export type MACRequest = Infer<typeof macRequest>;

export const macResponse = struct([
  uidRequired,
  opt('macData', Tag.MACData, byteString),
  correlation,
]);
export type MACResponse = Infer<typeof macResponse>;

export const macVerifyRequest = struct([
  uid,
  params,
  data,
  opt('macData', Tag.MACData, byteString),
  correlation,
  init,
  final,
]);
export type MACVerifyRequest = Infer<typeof macVerifyRequest>;

export const macVerifyResponse = struct([
  uidRequired,
  opt('validityIndicator', Tag.ValidityIndicator, enumeration),
  correlation,
]);
export type MACVerifyResponse = Infer<typeof macVerifyResponse>;

export const hashRequest = struct([
  one('cryptographicParameters', Tag.CryptographicParameters, cryptographicParameters),
  data,
  correlation,
  init,
  final,
]);
export type HashRequest = Infer<typeof hashRequest>;

export const hashResponse = struct([data, correlation]);
export type HashResponse = Infer<typeof hashResponse>;

export const rngRetrieveRequest = struct([one('dataLength', Tag.DataLength, integer)]);
export type RNGRetrieveRequest = Infer<typeof rngRetrieveRequest>;
export const rngRetrieveResponse = struct([one('data', Tag.Data, byteString)]);
export type RNGRetrieveResponse = Infer<typeof rngRetrieveResponse>;

export const rngSeedRequest = struct([one('data', Tag.Data, byteString)]);
export type RNGSeedRequest = Infer<typeof rngSeedRequest>;
export const rngSeedResponse = struct([one('dataLength', Tag.DataLength, integer)]);
export type RNGSeedResponse = Infer<typeof rngSeedResponse>;
