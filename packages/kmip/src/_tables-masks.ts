// GENERATED FILE — do not edit. Produced by scripts/gen-tables.ts from the OASIS
// "Key Management Interoperability Protocol Specification Version 2.1" (OASIS Standard,
// 14 December 2020), §12 "Bit Masks". Names are normalized as in KMIP Additional Message
// Encodings v1.0 §4.1.3.

/** Mask name → (normalized bit name → bit value). */
export const MASKS_21 = {
  CryptographicUsageMask: {
    Sign: 0x00000001,
    Verify: 0x00000002,
    Encrypt: 0x00000004,
    Decrypt: 0x00000008,
    WrapKey: 0x00000010,
    UnwrapKey: 0x00000020,
    MACGenerate: 0x00000080,
    MACVerify: 0x00000100,
    DeriveKey: 0x00000200,
    KeyAgreement: 0x00000800,
    CertificateSign: 0x00001000,
    CRLSign: 0x00002000,
    Authenticate: 0x00100000,
    Unrestricted: 0x00200000,
    FPEEncrypt: 0x00400000,
    FPEDecrypt: 0x00800000,
  },
  ProtectionStorageMask: {
    Software: 0x00000001,
    Hardware: 0x00000002,
    OnProcessor: 0x00000004,
    OnSystem: 0x00000008,
    OffSystem: 0x00000010,
    Hypervisor: 0x00000020,
    OperatingSystem: 0x00000040,
    Container: 0x00000080,
    OnPremises: 0x00000100,
    OffPremises: 0x00000200,
    SelfManaged: 0x00000400,
    Outsourced: 0x00000800,
    Validated: 0x00001000,
    SameJurisdiction: 0x00002000,
  },
  StorageStatusMask: {
    OnLineStorage: 0x00000001,
    ArchivalStorage: 0x00000002,
    DestroyedStorage: 0x00000004,
  },
} as const;
