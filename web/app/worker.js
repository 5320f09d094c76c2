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

// ---- helpers: a large payload's chunks opened on the other cores --------
// The Rust job (core.OpenJob) says where the next run of a sealed file's
// chunks lies (the helpers read it themselves) or reads one chunk (parts,
// armor), and which chunk is final; helpers (helper.js) verify and decrypt
// whole chunks; the job takes the plaintext back strictly in order and
// writes it to the staging file. Here only a bounded window in flight, and
// the order.

const MAX_HELPERS = 6; // with one run of about 4 MiB each in flight: under the core's 32 MiB
// A browser whose workers cannot start workers opens in this one alone.
const HELPERS_POSSIBLE = typeof Worker === 'function';
// In flight per helper: one run of about 4 MiB of the sealed file (or one
// chunk). Fewer, larger reads and messages cost less CPU (docs/PERFORMANCE.md).
const JOBS_PER_HELPER = 1;
let helpers = null; // started at the first large payload, kept for the next ones
let payloadSeq = 0;

function startHelpers() {
  if (helpers) return helpers;
  const count = Math.min(Math.max(navigator.hardwareConcurrency || 2, 2), MAX_HELPERS);
  helpers = Array.from({ length: count }, () => {
    const helper = { worker: new Worker(new URL('helper.js', import.meta.url), { type: 'module' }), load: 0, onReply: null };
    helper.worker.onmessage = (event) => helper.onReply && helper.onReply(event.data);
    helper.worker.onerror = (event) => {
      event.preventDefault();
      // A helper that stopped (out of memory, most likely) cannot be trusted
      // with the next payload either: start a fresh set then.
      const fatal = { kind: 'crashed', message: event.message || 'a helper worker stopped' };
      if (helper.onReply) helper.onReply({ seq: payloadSeq, fatal });
      for (const h of helpers || []) h.worker.terminate();
      helpers = null;
    };
    return helper;
  });
  return helpers;
}

// Used buffers are freed at once (see release in web/src/io.rs).
const drain = (() => { const c = new MessageChannel(); c.port2.close(); return c.port1; })();

async function openChunked(job, plan) {
  const pool = startHelpers();
  const seq = ++payloadSeq;
  for (const helper of pool) {
    const key = plan.key.slice(); // each helper's copy is moved to it, and wiped there
    helper.load = 0;
    helper.worker.postMessage({ type: 'begin', seq, key, chunkLog2: plan.chunkLog2, payloadLen: plan.payloadLen, file: plan.file }, [key.buffer]);
  }
  plan.key.fill(0);
  const window = pool.length * JOBS_PER_HELPER;
  const back = new Map(); // first chunk index -> reply, until its turn
  let next = 0, out = 0, finished = false, readError = null, fatal = null, wake = null;
  for (const helper of pool) {
    helper.onReply = (m) => {
      if (m.seq !== seq) return;
      if (m.fatal) fatal = fatal || m.fatal;
      else { helper.load--; back.set(m.index, m); }
      if (wake) { const w = wake; wake = null; w(); }
    };
  }
  try {
    for (;;) {
      if (fatal) throw fatal;
      while (!finished && !readError && out < window) {
        let chunk;
        try { chunk = job.next_chunk(); } catch (err) { readError = err; break; }
        if (chunk === null) { finished = true; break; }
        const helper = pool.reduce((a, b) => (b.load < a.load ? b : a));
        helper.load++;
        if (chunk.bytes) {
          helper.worker.postMessage({ type: 'chunk', seq, index: chunk.index, last: chunk.last, bytes: chunk.bytes }, [chunk.bytes.buffer]);
        } else {
          // A run of a sealed file's chunks: the helper reads them itself.
          helper.worker.postMessage({ type: 'run', seq, index: chunk.index, count: chunk.count, last: chunk.last, start: chunk.start, len: chunk.len });
        }
        out++;
      }
      while (back.has(next)) {
        const reply = back.get(next);
        back.delete(next);
        // The first failure in chunk order wins, as in one thread.
        if (reply.error) throw reply.error;
        job.deliver(next, reply.count, reply.bytes.subarray(0, reply.len));
        drain.postMessage(null, [reply.bytes.buffer]);
        next += reply.count;
        out--;
      }
      if (out === 0) {
        // A read error surfaces once every chunk before it was written.
        if (readError) throw readError;
        if (finished) break;
        continue;
      }
      await new Promise((resolve) => { wake = resolve; });
    }
    job.end_payload();
  } finally {
    for (const helper of pool) {
      helper.onReply = null;
      helper.worker.postMessage({ type: 'end', seq });
    }
  }
}

async function openFiles(m, staging) {
  const job = new core.OpenJob(m.files, m.passphrase, m.liftCap, staging.onDisk, staging.sink, progressFor(m.id));
  try {
    for (;;) {
      const plan = job.next_input(HELPERS_POSSIBLE);
      if (plan === null) break;
      if (plan.chunked) await openChunked(job, plan);
    }
    return job.result();
  } finally {
    job.free();
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
    result = await run(staging);
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
  open: (m) => staged(m.id, (s) => openFiles(m, s)),
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
