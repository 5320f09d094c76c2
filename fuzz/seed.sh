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
mkdir -p "$corpus"/{sealed_open,armor,part_set,folder_extract,age_input}

python3 - "$repo" "$corpus" <<'PY'
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

# armor: every armored text of the vectors, and their pieces one by one.
for path in glob.glob(os.path.join(vectors, "*.txt")):
    text = read(path)
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
for target in sealed_open armor part_set folder_extract age_input; do
  echo "$target: $(ls "$corpus/$target" | wc -l) seeds"
done
