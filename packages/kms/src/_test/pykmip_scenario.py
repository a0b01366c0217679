"""PyKMIP (KMIP 1.2, binary over mutual TLS) against the Custos KMS.

Usage: python3 pykmip_scenario.py HOST PORT CERT KEY CA
Prints one JSON object per step ({"step": ..., ...}) and exits 0 when every step passed.
"""
import json
import sys

from kmip import enums
from kmip.pie import client as pie_client
from kmip.pie import objects

host, port, cert, key, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]


def out(step, **fields):
    fields["step"] = step
    print(json.dumps(fields), flush=True)


with pie_client.ProxyKmipClient(
    hostname=host, port=port, cert=cert, key=key, ca=ca, config_file="/dev/null"
) as c:
    uid = c.create(
        enums.CryptographicAlgorithm.AES,
        256,
        name="pykmip-key",
        cryptographic_usage_mask=[
            enums.CryptographicUsageMask.ENCRYPT,
            enums.CryptographicUsageMask.DECRYPT,
        ],
    )
    out("create", uid=uid)

    registered = objects.SymmetricKey(
        enums.CryptographicAlgorithm.AES,
        128,
        bytes(range(16)),
        [enums.CryptographicUsageMask.ENCRYPT, enums.CryptographicUsageMask.DECRYPT],
        name="pykmip-registered",
    )
    ruid = c.register(registered)
    out("register", uid=ruid)

    key_obj = c.get(uid)
    out("get", length=len(key_obj.value), key=key_obj.value.hex(), algorithm=str(key_obj.cryptographic_algorithm))
    rkey = c.get(ruid)
    out("get-registered", equal=rkey.value == bytes(range(16)))

    found = c.locate(attributes=[
        c.attribute_factory.create_attribute(enums.AttributeType.NAME, "pykmip-key")
    ])
    out("locate", found=found)

    _, attrs = c.get_attributes(uid, ["State", "Cryptographic Algorithm", "Cryptographic Length"])
    out("get-attributes", attributes={a.attribute_name.value: str(a.attribute_value) for a in attrs})

    c.activate(uid)
    _, attrs = c.get_attributes(uid, ["State"])
    out("activate", state=str(attrs[0].attribute_value))

    iv = bytes(16)
    data = b"pykmip says hello to custos"
    encrypted, _ = c.encrypt(
        data,
        uid=uid,
        cryptographic_parameters={
            "cryptographic_algorithm": enums.CryptographicAlgorithm.AES,
            "block_cipher_mode": enums.BlockCipherMode.CBC,
            "padding_method": enums.PaddingMethod.PKCS5,
        },
        iv_counter_nonce=iv,
    )
    decrypted = c.decrypt(
        encrypted,
        uid=uid,
        cryptographic_parameters={
            "cryptographic_algorithm": enums.CryptographicAlgorithm.AES,
            "block_cipher_mode": enums.BlockCipherMode.CBC,
            "padding_method": enums.PaddingMethod.PKCS5,
        },
        iv_counter_nonce=iv,
    )
    out("encrypt-decrypt", plaintext=data.hex(), ciphertext=encrypted.hex(), ok=decrypted == data)

    c.revoke(enums.RevocationReasonCode.CESSATION_OF_OPERATION, uid)
    _, attrs = c.get_attributes(uid, ["State"])
    out("revoke", state=str(attrs[0].attribute_value))

    c.destroy(uid)
    _, attrs = c.get_attributes(uid, ["State"])
    out("destroy", state=str(attrs[0].attribute_value))
    try:
        c.get(uid)
        out("get-destroyed", refused=False)
    except Exception as e:  # noqa: BLE001 - any KMIP failure is the expected outcome
        out("get-destroyed", refused=True, error=type(e).__name__)
