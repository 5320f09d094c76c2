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
    try:
        name = record[32:].decode("utf-8")
    except UnicodeDecodeError:
        raise Failure("tampered")
    unknown = content_len == 0xFFFFFFFFFFFFFFFF
    # §4.2: padding needs a known content length
    if unknown and padding_len > 0:
        raise Failure("tampered")
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
    result = {
        "outcome": "success",
        "plaintext_hex": bytes(plain).hex(),
        "kind": kind,
        "name": name,
        "content_len": None if unknown else content_len,
        "padding_len": padding_len,
        "modified_unix": None if secs == -(2**63) else secs,
        "modified_nanos": nanos,
    }
    # §4.3: a folder archive, extracted (in memory) as the reader rules say
    if kind == 1:
        result["tree"] = extract(bytes(plain))
    return result


def number(field):
    """§4.3: an octal ASCII field, or GNU base-256 when its first byte has 0x80."""
    if field[0] & 0x80:
        value = field[0] & 0x7F
        for b in field[1:]:
            value = value * 256 + b
        return value
    text = field.split(b"\0", 1)[0].strip(b" ")
    try:
        return int(text or b"0", 8)
    except ValueError:
        raise Failure("bad_archive")


def entries(content):
    """§4.3: the entries of a tar archive as (path, type, mode, data, link),
    GNU long names and PAX paths applied; ends at the first zero block or at a
    block boundary where the content ends."""
    pos, long_name, long_link, pax = 0, None, None, {}
    while pos < len(content):
        block = content[pos:pos + 512]
        if len(block) < 512:
            raise Failure("bad_archive")
        if block == bytes(512):
            return
        stored = number(block[148:156])
        if stored != sum(block[:148]) + 8 * 32 + sum(block[156:]):
            raise Failure("bad_archive")
        size = number(block[124:136])
        kind = block[156:157]
        data_end = pos + 512 + size
        pos += 512 + (size + 511) // 512 * 512
        if pos > len(content):
            raise Failure("bad_archive")
        data = content[data_end - size:data_end]
        if kind == b"L":
            long_name = data.split(b"\0", 1)[0]
            continue
        if kind == b"K":
            long_link = data.split(b"\0", 1)[0]
            continue
        if kind == b"x":
            while data:
                length = int(data.split(b" ", 1)[0])
                key, value = data[:length].split(b" ", 1)[1][:-1].split(b"=", 1)
                pax[key] = value
                data = data[length:]
            continue
        if kind == b"g":
            continue
        name = block[:100].split(b"\0", 1)[0]
        if block[257:263] == b"ustar\0" and block[345] != 0:
            name = block[345:500].split(b"\0", 1)[0] + b"/" + name
        link = block[157:257].split(b"\0", 1)[0]
        name = pax.get(b"path", long_name or name)
        link = pax.get(b"linkpath", long_link or link)
        long_name, long_link, pax = None, None, {}
        yield name, kind, number(block[100:108]), data, link


def components(path, what):
    """§4.3: a path inside the folder; absolute or `..` is unsafe."""
    if path.startswith(b"/"):
        raise Failure("unsafe_archive")
    parts = [c for c in path.split(b"/") if c not in (b"", b".")]
    if b".." in parts:
        if what == "link":
            return None
        raise Failure("unsafe_archive")
    return tuple(parts)


def link_stays_inside(link, target):
    """§4.3: a link's target, resolved from the link's folder, stays inside."""
    if target.startswith(b"/"):
        return False
    depth = len(link) - 1
    for c in target.split(b"/"):
        if c in (b"", b"."):
            continue
        depth = depth - 1 if c == b".." else depth + 1
        if depth < 0:
            return False
    return True


def resolve_inside(tree, link):
    """§4.3: the link resolved through the links it meets stays inside."""
    at = list(link[:-1])
    pending = [c for c in reversed(tree[link][2].split(b"/")) if c not in (b"", b".")]
    hops = 0
    while pending:
        c = pending.pop()
        if c == b"..":
            if not at:
                return False
            at.pop()
            continue
        at.append(c)
        node = tree.get(tuple(at))
        if node and node[0] == "link":
            hops += 1
            if hops > 40 or node[2].startswith(b"/"):
                return False
            at.pop()
            pending.extend(c2 for c2 in reversed(node[2].split(b"/")) if c2 not in (b"", b"."))
    return True


def extract(content):
    """§4.3: what a reader extracts from a folder archive, as the vectors' `tree`."""
    tree = {(): ["dir", None, None]}  # None: a new folder's mode (the umask's)
    for name, kind, mode, data, link in entries(content):
        path = components(name, "entry")
        if not path:
            if kind == b"5":
                tree[()][1] = mode & 0o777
            continue
        for i in range(1, len(path)):
            node = tree.get(path[:i])
            if node is None:
                tree[path[:i]] = ["dir", None, None]
            elif node[0] == "link":
                raise Failure("unsafe_archive")
            elif node[0] != "dir":
                raise Failure("bad_archive")
        existing = tree.get(path)
        if kind in (b"0", b"\0", b"7"):
            if existing and existing[0] == "dir":
                raise Failure("bad_archive")
            tree[path] = ["file", mode & 0o777, data]
        elif kind == b"5":
            if existing and existing[0] == "dir":
                existing[1] = mode & 0o777
            else:
                tree[path] = ["dir", mode & 0o777, None]
        elif kind == b"2":
            if not link_stays_inside(path, link):
                raise Failure("unsafe_archive")
            if existing and existing[0] == "dir":
                raise Failure("bad_archive")
            tree[path] = ["link", None, link]
        elif kind == b"1":
            source = components(link, "entry")
            node = tree.get(source) if source else None
            through = any(tree.get(source[:i], [""])[0] == "link" for i in range(1, len(source or ())))
            if node is None or node[0] != "file" or through:
                raise Failure("unsafe_archive")
            if existing and existing[0] == "dir":
                raise Failure("bad_archive")
            tree[path] = ["file", node[1], node[2]]
        # devices, FIFOs and unknown types are skipped
    for path, node in tree.items():
        if node[0] == "link" and not resolve_inside(tree, path):
            raise Failure("unsafe_archive")
    listing = []
    for path in sorted(tree):
        kind, mode, extra = tree[path]
        shown = "/".join(c.decode("utf-8", "surrogateescape") for c in path) or "."
        entry = {"path": shown, "type": kind}
        if kind == "link":
            entry["target"] = extra.decode("utf-8", "surrogateescape")
        else:
            entry["mode"] = "%o" % mode if mode is not None else None
        if kind == "file":
            entry["data"] = extra.decode("utf-8", "surrogateescape")
        listing.append(entry)
    return listing


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
