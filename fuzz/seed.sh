#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets (fuzz/README.md) from the files
# the test suite already holds: tests/vectors/ (docs/FORMAT.md §7) and the age
# test kit (tests/age-testkit/). Nothing here is committed: the corpora are
# rebuilt from the repository's own files.
#
# Usage: fuzz/seed.sh [CORPUS_DIR]   (default: fuzz/corpus; one folder per target)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
corpus="${1:-$here/corpus}"
mkdir -p "$corpus"/{sealed_open,sealed_forged,armor,part_set,folder_extract,age_input}

python3 - "$repo" "$corpus" <<'PY'
import base64
import glob
import hashlib
import io
import os
import struct
import sys
import tarfile
import zlib

repo, corpus = sys.argv[1], sys.argv[2]
vectors = os.path.join(repo, "tests", "vectors")


def seed(target, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


# sealed_open: every sealed file and part of the vectors.
for path in glob.glob(os.path.join(vectors, "*.tgseal*")):
    seed("sealed_open", read(path))

# sealed_forged: a few descriptions (fuzz_targets/sealed_forged.rs) of
# files a writer makes: a named file of one short chunk, one of a full chunk
# and a short one, padded content, an empty file, a stream of unknown length.
def forged(kind, content_len, padding_len, name, chunks, log2=16):
    out = bytes([kind, 0]) + struct.pack("<QQqIH", content_len, padding_len, -(2**63), 0, len(name))
    out += bytes([len(name)]) + name + bytes([log2 - 16])
    for desc, fill, extra in chunks:
        out += bytes([desc, fill]) + (bytes([extra]) if (desc >> 1) % 4 == 2 else b"")
    return out

FINAL, FULL, SHORT, FILLED = 1, 2, 4, 8
for seed_bytes in [
    forged(0, 5, 0, b"a.txt", [(SHORT | FINAL | FILLED, 0x61, 4)]),
    forged(0, 65536 + 10, 0, b"b.bin", [(FULL | FILLED, 0x62, 0), (SHORT | FINAL | FILLED, 0x62, 9)]),
    forged(0, 3, 7, b"padded", [(SHORT | FINAL, 0, 9)]),
    forged(0, 0, 0, b"empty", [(FINAL, 0, 0)]),
    forged(0, 2**64 - 1, 0, b"", [(FULL | FILLED, 0x63, 0), (SHORT | FINAL | FILLED, 0x63, 0)]),
    forged(2, 1, 0, b"", [(SHORT | FINAL | FILLED, 0x64, 0)], 18),
]:
    seed("sealed_forged", seed_bytes)

# armor: every armored text of the vectors, and their pieces one by one.
for path in glob.glob(os.path.join(vectors, "*.txt")):
    text = read(path)
    if len(text) > 256 * 1024:
        continue  # the 1 MiB window vectors: unit-tested, too slow to mutate
    seed("armor", text)
    for block in text.split(b"-----BEGIN")[1:]:
        seed("armor", b"-----BEGIN" + block)

# part_set: each set of parts as records [number u16][length u16][bytes]
# (fuzz_targets/part_set.rs), the part files cut to 65535 bytes.
sets = {}
for path in sorted(glob.glob(os.path.join(vectors, "*.tgseal.[0-9][0-9][0-9]"))):
    base, number = path.rsplit(".", 1)
    sets.setdefault(base, []).append((int(number), read(path)))
for parts in sets.values():
    records = b""
    for number, data in parts:
        data = data[:65535]
        records += struct.pack("<HH", number, len(data)) + data
    seed("part_set", records)
    # and a set small enough to be read whole: the headers with 1-byte payloads
    small = b""
    for number, data in parts:
        head = bytearray(data[:40])
        head[32:40] = struct.pack("<Q", 1)
        small += struct.pack("<HH", number, 41) + bytes(head) + b"x"
    seed("part_set", small)
# Found by fuzzing (2026-12-02): a part whose header claims 2^32 - 1 parts;
# listing every missing number ran out of memory. Kept as a seed so that each
# run tries it again.
seed("part_set", base64.b64decode("AQApAHRnc2VhbHABSkGP8YoyAyEG26bmiSGIXgEAAAAAAANHSU4gQQC8AAAAAHg="))

# folder_extract: the folder vectors' archives (their plaintext) and archives
# with what §4.3 says a reader must refuse or skip.
for path in glob.glob(os.path.join(vectors, "folder*.plain")):
    seed("folder_extract", read(path))


def archive(entries, fmt=tarfile.GNU_FORMAT):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for name, kind, extra in entries:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
            data = b""
            if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE):
                info.linkname = extra
            elif kind == tarfile.REGTYPE:
                data = extra
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data else None)
    return out.getvalue()


D, F, S, H = tarfile.DIRTYPE, tarfile.REGTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE
for entries in [
    [(".", D, None), ("a", D, None), ("a/f.txt", F, b"hello"), ("l", S, "a/f.txt")],
    [(".", D, None), ("x", S, "."), ("d", D, None), ("d/y", S, "../x/..")],
    [("../escape", F, b"x")],
    [("/abs", F, b"x")],
    [("l", S, "/etc"), ("l/passwd", F, b"x")],
    [("l", S, ".."), ("l/x", F, b"x")],
    [("f", F, b"1"), ("h", H, "f"), ("h2", H, "../f")],
    [(".", S, "/"), ("a", F, b"a")],
    [(".", F, b"root as a file")],
    [("d", D, None), ("d", F, b"replaces a folder")],
    [("n" * 200 + "/" + "m" * 200, F, b"long name")],
    [("fifo", tarfile.FIFOTYPE, None), ("dev", tarfile.CHRTYPE, None)],
]:
    seed("folder_extract", archive(entries))
    seed("folder_extract", archive(entries, tarfile.PAX_FORMAT))
seed("folder_extract", b"")
seed("folder_extract", archive([("a", F, b"x")])[:512 + 512])

# age_input: every file of the age test kit (its body after the blank line,
# inflated when the kit stored it compressed).
for path in glob.glob(os.path.join(repo, "tests", "age-testkit", "*")):
    raw = read(path)
    if b"\n\n" not in raw:
        continue
    head, body = raw.split(b"\n\n", 1)
    if b"compressed: zlib" in head:
        body = zlib.decompress(body)
    seed("age_input", body)
PY
for target in sealed_open sealed_forged armor part_set folder_extract age_input; do
  echo "$target: $(ls "$corpus/$target" | wc -l) seeds"
done
