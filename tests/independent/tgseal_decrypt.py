#!/usr/bin/env python3
"""An independent tgseal v1 decryptor, written from docs/FORMAT.md alone.

It exists to prove the specification is complete: the test suite runs it over
every test vector and compares its results with the expected ones. It is not
optimised and not meant for real use.

Usage: tgseal_decrypt.py SEALED_FILE PASSPHRASE_FILE
Prints a JSON object: {"outcome": <class>, "plaintext_hex": ..., "name": ..., ...}
where <class> is success, not_sealed, unsupported_version, kdf_over_cap,
wrong_passphrase, tampered or truncated.
"""
import hmac
import json
import struct
import sys
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand


class Failure(Exception):
    def __init__(self, outcome):
        super().__init__(outcome)
        self.outcome = outcome


def hkdf(salt, ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def decrypt(data, passphrase):
    # §2.1 magic and version
    if len(data) < 6 or data[:6] != b"tgseal":
        raise Failure("not_sealed")
    if len(data) > 6 and data[6] != 1:
        raise Failure("unsupported_version")
    if len(data) < 87:
        raise Failure("truncated")
    # §2.2 fixed fields
    if data[7] != 1:
        raise Failure("unsupported_version")
    memory, passes, lanes = struct.unpack_from("<III", data, 8)
    salt, check, seed = data[20:36], data[36:52], data[52:84]
    chunk_log2 = data[84]
    (sealed_len,) = struct.unpack_from("<H", data, 85)
    if not 16 <= chunk_log2 <= 20 or not 48 <= sealed_len <= 1072:
        raise Failure("tampered")
    if len(data) < 87 + sealed_len + 32:
        raise Failure("truncated")
    sealed_metadata = data[87:87 + sealed_len]
    mac = data[87 + sealed_len:87 + sealed_len + 32]
    payload = data[87 + sealed_len + 32:]
    # §2.3 the cap, before any work
    if memory > 2 * 1024 * 1024 or passes > 16:
        raise Failure("kdf_over_cap")
    if passes < 1 or not 1 <= lanes <= 64 or memory < 8 * lanes:
        raise Failure("tampered")
    # §3.1, §3.2
    password = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    master = Argon2id(salt=salt, length=32, iterations=passes, lanes=lanes,
                      memory_cost=memory).derive(password)
    # §3.4
    if not hmac.compare_digest(hkdf(salt, master, b"tgseal v1 passphrase check", 16), check):
        raise Failure("wrong_passphrase")
    # §3.3: one extract, three expands
    prk = hmac.new(seed, master, "sha256").digest()
    def expand(info):
        return HKDFExpand(algorithm=hashes.SHA256(), length=32, info=info).derive(prk)
    mac_key = expand(b"tgseal v1 header mac")
    metadata_key = expand(b"tgseal v1 metadata key")
    payload_key = expand(b"tgseal v1 payload key")
    # §2.2 header MAC
    expected = hmac.new(mac_key, data[:87 + sealed_len], "sha256").digest()
    if not hmac.compare_digest(expected, mac):
        raise Failure("tampered")
    # §4.1, §4.2
    try:
        record = ChaCha20Poly1305(metadata_key).decrypt(bytes(12), sealed_metadata, None)
    except InvalidTag:
        raise Failure("tampered")
    kind, flags, content_len, padding_len, secs, nanos, name_len = struct.unpack_from("<BBQQqIH", record, 0)
    if flags != 0 or kind > 2:
        raise Failure("unsupported_version")
    if len(record) != 32 + name_len or nanos >= 10**9:
        raise Failure("tampered")
    name = record[32:].decode("utf-8")
    unknown = content_len == 0xFFFFFFFFFFFFFFFF
    # §4.2: the payload length is content + padding as a u64
    if not unknown and content_len + padding_len > 0xFFFFFFFFFFFFFFFF:
        raise Failure("tampered")
    # §5 the STREAM
    aead = ChaCha20Poly1305(payload_key)
    size = 1 << chunk_log2
    plain = bytearray()
    index, offset = 0, 0
    while True:
        chunk = payload[offset:offset + size + 16]
        offset += len(chunk)
        last = offset >= len(payload)
        if len(chunk) < 16:
            raise Failure("truncated")
        nonce = index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
        try:
            plain += aead.decrypt(nonce, chunk, None)
        except InvalidTag:
            other = index.to_bytes(11, "big") + (b"\x00" if last else b"\x01")
            if not unknown and last and len(plain) + len(chunk) - 16 < content_len + padding_len:
                raise Failure("truncated")
            try:
                aead.decrypt(other, chunk, None)
            except InvalidTag:
                raise Failure("tampered")
            raise Failure("truncated" if last else "tampered")
        # §5: an empty final chunk only when it is the only chunk
        if last and index > 0 and len(chunk) == 16:
            raise Failure("tampered")
        if last:
            break
        index += 1
    if not unknown:
        if len(plain) != content_len + padding_len:
            raise Failure("tampered")
        if any(plain[content_len:]):
            raise Failure("tampered")
        plain = plain[:content_len]
    return {
        "outcome": "success",
        "plaintext_hex": bytes(plain).hex(),
        "kind": kind,
        "name": name,
        "content_len": None if unknown else content_len,
        "padding_len": padding_len,
        "modified_unix": None if secs == -(2**63) else secs,
        "modified_nanos": nanos,
    }


def main():
    data = open(sys.argv[1], "rb").read()
    with open(sys.argv[2], encoding="utf-8") as f:
        passphrase = f.read()
    try:
        result = decrypt(data, passphrase)
    except Failure as failure:
        result = {"outcome": failure.outcome}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
