// The page's worker: runs the Rust core (tgseal_web.wasm) so the page never
// freezes. Thin glue only: it hands files and the passphrase to the Rust
// calls, gives them a staging area to write into, and passes progress and
// results back. Every decision is made in Rust (web/src/).
import init, * as core from './tgseal_web.js';

const STAGING_DIR = 'tgseal-staging';

const ready = init({ module_or_path: new URL('tgseal_web_bg.wasm', import.meta.url) });

// A staging area in the Origin Private File System (a file on disk, private
// to this page; nothing reaches Downloads until the page offers it), or in
// memory when the browser has no synchronous OPFS access.
async function openStaging(id) {
  try {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(STAGING_DIR, { create: true });
    const name = `job-${Date.now()}-${id}`;
    const handle = await dir.getFileHandle(name, { create: true });
    if (typeof handle.createSyncAccessHandle !== 'function') throw new Error('no sync access');
    const access = await handle.createSyncAccessHandle();
    let pos = 0;
    const put = (bytes, at) => {
      let done = 0;
      while (done < bytes.length) {
        const n = access.write(bytes.subarray(done), { at: at + done });
        if (!(n > 0)) throw new Error('the staging file refused a write');
        done += n;
      }
    };
    return {
      onDisk: true,
      name,
      sink: {
        write(bytes) { put(bytes, pos); pos += bytes.length; },
        writeAt(offset, bytes) { put(bytes, offset); },
      },
      async finish() { access.flush(); access.close(); return handle.getFile(); },
      async discard() {
        try { access.close(); } catch (_) { /* already closed */ }
        try { await dir.removeEntry(name); } catch (_) { /* already gone */ }
      },
    };
  } catch (_) {
    const chunks = []; // [start, bytes]
    let pos = 0;
    return {
      onDisk: false,
      name: null,
      sink: {
        write(bytes) { chunks.push([pos, bytes.slice()]); pos += bytes.length; },
        writeAt(offset, bytes) {
          for (const [start, chunk] of chunks) {
            const from = Math.max(offset, start);
            const to = Math.min(offset + bytes.length, start + chunk.length);
            if (from < to) chunk.set(bytes.subarray(from - offset, to - offset), from - start);
          }
        },
      },
      async finish() { return new Blob(chunks.map(([, c]) => c)); },
      async discard() { chunks.length = 0; },
    };
  }
}

function post(id, type, body = {}) {
  self.postMessage({ id, type, ...body });
}

function progressFor(id) {
  return (stage, done, total, index, count, detail) =>
    post(id, 'progress', { stage, done, total, index, count, detail });
}

function errorOf(err) {
  if (err && typeof err === 'object' && 'kind' in err && 'message' in err) return err;
  // A trap inside WebAssembly (out of memory, most likely) or a browser error.
  return { kind: 'crashed', message: String(err && err.message ? err.message : err) };
}

// Jobs that write files: open and seal.
async function staged(id, run) {
  const staging = await openStaging(id);
  post(id, 'staging', { name: staging.name, onDisk: staging.onDisk });
  let result;
  try {
    result = run(staging);
  } catch (err) {
    await staging.discard();
    throw err;
  }
  const file = await staging.finish();
  return { ...result, staged: file, stagingName: staging.name };
}

const jobs = {
  choices: () => core.choices(),
  strength: (m) => core.strength(m.passphrase),
  generate: () => core.generate_passphrase(),
  open: (m) => staged(m.id, (s) =>
    core.open_files(m.files, m.passphrase, m.liftCap, s.onDisk, s.sink, progressFor(m.id))),
  openText: (m) => core.open_text(m.text, m.passphrase, m.liftCap, progressFor(m.id)),
  seal: (m) => staged(m.id, (s) =>
    core.seal_files(m.files, m.passphrase, m.options, s.onDisk, s.sink, progressFor(m.id))),
  sealText: (m) => core.seal_text(m.text, m.passphrase, m.allowWeak, progressFor(m.id)),
};

self.onmessage = async (event) => {
  const message = event.data;
  try {
    await ready;
    const result = await jobs[message.op](message);
    post(message.id, 'done', { result });
  } catch (err) {
    post(message.id, 'error', { error: errorOf(err) });
  }
};
