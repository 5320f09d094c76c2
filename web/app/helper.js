// A helper of the page's worker: opens whole chunks of one payload on its
// own core (docs/WEB.md, "Opening on every core"). Thin glue: the Rust core
// reads a sealed file's chunk where the worker says, verifies and decrypts
// it (ChunkWorker in web/src/job.rs); only verified plaintext comes back.
import init, * as core from './tgseal_web.js';

const ready = init({ module_or_path: new URL('tgseal_web_bg.wasm', import.meta.url) });
let opener = null; // { seq, worker: core.ChunkWorker, file }

function end() {
  // free() drops the Rust opener, which wipes its copy of the key.
  if (opener) opener.worker.free();
  opener = null;
}

self.onmessage = async (event) => {
  const m = event.data;
  await ready;
  if (m.type === 'begin') {
    end();
    try {
      opener = { seq: m.seq, worker: new core.ChunkWorker(m.key, m.chunkLog2, m.payloadLen), file: m.file };
    } catch (error) {
      self.postMessage({ seq: m.seq, fatal: error });
    }
    m.key.fill(0); // ChunkWorker wiped it already; a failed start may not have
  } else if (m.type === 'chunk') {
    if (!opener || opener.seq !== m.seq) return; // a payload that was given up
    try {
      const len = opener.worker.open(m.index, m.last, m.bytes);
      self.postMessage({ seq: m.seq, index: m.index, count: 1, bytes: m.bytes, len }, [m.bytes.buffer]);
    } catch (error) {
      self.postMessage({ seq: m.seq, index: m.index, error });
    }
  } else if (m.type === 'run') {
    // Consecutive chunks of the sealed file, read here (reading is spread
    // over the helpers).
    if (!opener || opener.seq !== m.seq) return;
    try {
      const bytes = opener.worker.open_run(opener.file, m.start, m.len, m.count, m.index, m.last);
      self.postMessage({ seq: m.seq, index: m.index, count: m.count, bytes, len: bytes.length }, [bytes.buffer]);
    } catch (error) {
      self.postMessage({ seq: m.seq, index: m.index, error });
    }
  } else if (m.type === 'end') {
    if (opener && opener.seq === m.seq) end();
  }
};
