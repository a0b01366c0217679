/**
 * Spellings used by Cosmian KMS v5 in its JSON TTLV (`POST /kmip/2_1`), where they differ from
 * the OASIS normalized names. Cosmian's typed JSON parser is exact and case-sensitive, so the JSON
 * encoder emits these in `cosmian` style; every decoder accepts both spellings.
 *
 * Source: the Rust enumerations of Cosmian KMS 5.x (`crate/kmip/src/kmip_0/kmip_types.rs`,
 * `crate/kmip/src/kmip_2_1/kmip_types.rs`), whose variant names are what serde writes.
 */

/** Enumerations spelled as the OASIS name with the underscores removed (`SHA_256` → `SHA256`). */
export const COSMIAN_ENUMS_WITHOUT_UNDERSCORES: ReadonlySet<string> = new Set([
  'BlockCipherMode',
  'CertificateRequestType',
  'CertificateType',
  'CryptographicAlgorithm',
  'DigitalSignatureAlgorithm',
  'HashingAlgorithm',
  'KeyCompressionType',
  'KeyFormatType',
  'LinkType',
  'Operation',
  'RecommendedCurve',
  'WrappingMethod',
]);

/** Enumerations spelled as words joined by underscores (`ItemNotFound` → `Item_Not_Found`). */
export const COSMIAN_ENUMS_WITH_WORDS: ReadonlySet<string> = new Set([
  'AttestationType',
  'ObjectGroupMember',
  'ResultReason',
]);

/** Individual spellings that follow no rule (applied after the rules above). */
export const COSMIAN_ENUM_OVERRIDES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  CryptographicAlgorithm: {
    DES3: 'THREE_DES',
    SPHINCS_256: 'SPHINCS_256',
  },
  DerivationMethod: {
    NIST800_108_C: 'NIST800_108C',
    NIST800_108_F: 'NIST800_108F',
    NIST800_108_DPI: 'NIST800_108DPI',
    AsymmetricKey: 'Asymmetric_Key',
    AWSSignatureVersion4: 'AWS_Signature_Version_4',
  },
  MaskGenerator: { MGF1: 'MFG1' },
  PaddingMethod: { ANSIX9_23: 'ANSI_X923', PKCS1V1_5: 'PKCS1v15', X9_31: 'X931' },
  RNGAlgorithm: { ANSIX9_31: 'ANSI_X931', ANSIX9_62: 'ANSI_X962' },
  SplitKeyMethod: {
    PolynomialSharingGF2_16: 'PolynomialSharingGf216',
    PolynomialSharingGF2_8: 'PolynomialSharingGf28',
  },
  State: { DestroyedCompromised: 'Destroyed_Compromised' },
  UniqueIdentifier: {
    ReKey: 'Rekey',
    ReCertify: 'Recertify',
    ReKeyKeyPair: 'RekeyKeyPair',
    ReKeyKeyPairPrivateKey: 'RekeyKeyPairPrivateKey',
    ReKeyKeyPairPublicKey: 'RekeyKeyPairPublicKey',
  },
};

/**
 * Tag names that Cosmian spells differently from the OASIS normalized name beyond dropping
 * underscores (`PKCS_11Function` → `PKCS11Function`); none known today.
 */
export const COSMIAN_TAG_OVERRIDES: Readonly<Record<string, string>> = {};

/**
 * Enumeration values Cosmian KMS defines beyond the KMIP 2.1 tables (vendor extensions and
 * post-2.1 algorithms). Decoders accept these names; the `cosmian` JSON style writes them; the
 * OASIS style and XML write the values in hex, as for any extension.
 */
export const COSMIAN_EXTENSIONS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  CryptographicAlgorithm: {
    MLKEM_512: 0x00000039,
    MLKEM_768: 0x0000003a,
    MLKEM_1024: 0x0000003b,
    FPE_FF1: 0x88800001,
    ConfigurableKEM: 0x88800003,
    CoverCrypt: 0x88800004,
    CoverCryptBulk: 0x88800005,
  },
  KeyFormatType: {
    Pkcs12Legacy: 0x88800001,
    PKCS7: 0x88800002,
    ConfigurableKEM: 0x88800003,
    EnclaveECKeyPair: 0x88800005,
    EnclaveECSharedKey: 0x88800006,
    CoverCryptSecretKey: 0x8880000c,
    CoverCryptPublicKey: 0x8880000d,
  },
  CertificateType: { PKCS7: 0x80000001 },
  RecommendedCurve: { CURVEED25519: 0x80000001, CURVEED448: 0x80000002 },
  BlockCipherMode: { GCMSIV: 0x80000002 },
};
