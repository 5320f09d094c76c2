// The page: DOM, files and the worker's messages. No format rule lives
// here; every decision comes from the Rust core through the worker.
const STAGING_DIR = 'tgseal-staging';
const $ = (id) => document.getElementById(id);

// ---- the worker ---------------------------------------------------------

let worker = null;
let nextId = 1;
const pending = new Map(); // id -> {resolve, reject, onProgress}
let running = null; // {id, stagingName} of the job that writes files

function startWorker() {
  worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (event) => {
    const m = event.data;
    const job = pending.get(m.id);
    if (!job) return;
    if (m.type === 'progress') job.onProgress?.(m);
    else if (m.type === 'staging') { if (running && running.id === m.id) running.stagingName = m.name; }
    else {
      pending.delete(m.id);
      if (m.type === 'done') job.resolve(m.result);
      else job.reject(m.error);
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    for (const [, job] of pending) job.reject({ kind: 'crashed', message: event.message || 'the worker stopped' });
    pending.clear();
    worker.terminate();
    startWorker();
  };
}

function call(op, payload = {}, onProgress = null) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, op, ...payload });
  });
}

// Cancel: the worker is busy inside one synchronous Rust call, so it is
// stopped outright and a fresh one started; its staging file is deleted.
async function cancel() {
  worker.terminate();
  for (const [, job] of pending) job.reject({ kind: 'cancelled', message: 'Cancelled. Nothing was saved.' });
  pending.clear();
  const name = running && running.stagingName;
  startWorker();
  if (name) await removeStaging(name);
}

// ---- the staging area ---------------------------------------------------

async function stagingDir() {
  if (!navigator.storage || !navigator.storage.getDirectory) return null;
  try {
    const root = await navigator.storage.getDirectory();
    return await root.getDirectoryHandle(STAGING_DIR, { create: true });
  } catch (_) { return null; }
}

async function removeStaging(name) {
  const dir = await stagingDir();
  if (!dir) return;
  // A stopped worker's access handle is released when the browser gets to
  // it, which takes seconds on a busy machine: keep trying for 30 s (a file
  // still left is removed when the page next loads).
  for (let attempt = 0; attempt < 120; attempt++) {
    try { await dir.removeEntry(name); return; } catch (err) {
      if (err && err.name === 'NotFoundError') return;
      await new Promise((r) => setTimeout(r, 250)); // the stopped worker may still hold it
    }
  }
}

// Leftovers of a closed tab or a crash: nothing staged outlives a visit.
async function clearStaging() {
  const dir = await stagingDir();
  if (!dir) return;
  const names = [];
  for await (const [name] of dir.entries()) names.push(name);
  await Promise.all(names.map(removeStaging));
}

// ---- presenting work ------------------------------------------------------

const units = ['B', 'KiB', 'MiB', 'GiB'];
function size(bytes) {
  let value = bytes, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
function seconds(s) {
  if (!isFinite(s)) return '';
  if (s < 60) return `${Math.ceil(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`;
}

let urls = [];
let shownStaging = null;

async function clearResult() {
  for (const url of urls) URL.revokeObjectURL(url);
  urls = [];
  $('result').hidden = true;
  $('result-error').hidden = true;
  $('result-body').replaceChildren();
  if (shownStaging) { const name = shownStaging; shownStaging = null; await removeStaging(name); }
}

function setBusy(busy) {
  for (const id of ['open-button', 'seal-button', 'message-button']) $(id).disabled = busy;
  $('work').hidden = !busy;
}

function progressView() {
  const started = performance.now();
  let dataStart = null, lastIndex = -1, lastPaint = 0;
  $('work-stage').textContent = 'Starting…';
  $('work-numbers').textContent = '';
  $('work-progress').removeAttribute('value');
  return (m) => {
    const files = m.count > 1 ? ` (file ${m.index + 1} of ${m.count})` : '';
    if (m.stage === 'key') {
      $('work-stage').textContent = (m.detail || 'Deriving the key from the passphrase.') + files;
      $('work-progress').removeAttribute('value');
      $('work-numbers').textContent = '';
      dataStart = null;
      return;
    }
    const now = performance.now();
    if (m.index !== lastIndex || dataStart === null) { dataStart = { t: now, done: m.done }; lastIndex = m.index; }
    if (now - lastPaint < 100 && m.done < m.total) return;
    lastPaint = now;
    $('work-stage').textContent = `Working${files}`;
    const elapsed = (now - dataStart.t) / 1000;
    const speed = elapsed > 0.2 ? (m.done - dataStart.done) / elapsed : NaN;
    const parts = [];
    if (isFinite(m.total) && m.total > 0) {
      $('work-progress').value = m.done / m.total;
      parts.push(`${size(m.done)} of ${size(m.total)}`);
    } else {
      parts.push(size(m.done));
    }
    if (isFinite(speed) && speed > 0) {
      parts.push(`${size(speed)}/s`);
      if (isFinite(m.total)) parts.push(`${seconds((m.total - m.done) / speed)} left`);
    }
    $('work-numbers').textContent = parts.join(' · ');
    void started;
  };
}

function showError(error) {
  $('result').hidden = false;
  $('result-error').hidden = false;
  $('result-error').textContent = error && error.message ? error.message : String(error);
  $('result-error').dataset.kind = (error && error.kind) || 'refused';
  if (error && error.kind === 'crashed') {
    $('result-error').textContent = `The browser stopped the work (${error.message}). It may have run out of memory. Nothing was saved.`;
  }
}

function copyButton(text, label) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(text); }
    catch (_) {
      const area = document.createElement('textarea');
      area.value = text; document.body.append(area); area.select();
      document.execCommand('copy'); area.remove();
    }
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = label; }, 1500);
  });
  return button;
}

function textBlock(text, label, copyLabel) {
  const wrap = document.createElement('div');
  wrap.className = 'text-result';
  const id = `text-${urls.length}-${Math.random().toString(36).slice(2)}`;
  const heading = document.createElement('label');
  heading.htmlFor = id;
  heading.textContent = label;
  const area = document.createElement('textarea');
  area.id = id;
  area.readOnly = true;
  area.rows = Math.min(12, Math.max(3, text.split('\n').length));
  area.value = text;
  wrap.append(heading, area, copyButton(text, copyLabel));
  return wrap;
}

function downloads(staged, outputs, verb) {
  const list = document.createElement('ul');
  list.className = 'downloads';
  for (const output of outputs) {
    const blob = staged.slice(output.start, output.start + output.len, 'application/octet-stream');
    const url = URL.createObjectURL(blob);
    urls.push(url);
    const link = document.createElement('a');
    link.href = url;
    link.download = output.name;
    link.className = 'download';
    link.textContent = `Save ${output.name}`;
    const note = document.createElement('span');
    note.className = 'size';
    note.textContent = size(output.len);
    const item = document.createElement('li');
    item.append(link, note);
    list.append(item);
  }
  const intro = document.createElement('p');
  intro.className = 'done';
  intro.textContent = verb;
  return [intro, list];
}

async function run(op, payload, present) {
  await clearResult();
  setBusy(true);
  const id = nextId;
  running = { id, stagingName: null };
  try {
    const result = await call(op, payload, progressView());
    if (result && result.stagingName) shownStaging = result.stagingName;
    $('result').hidden = false;
    $('result-body').replaceChildren(...present(result));
  } catch (error) {
    showError(error);
  } finally {
    running = null;
    setBusy(false);
  }
}

// ---- the forms ------------------------------------------------------------

function passphraseOf(id) {
  const value = $(id).value;
  return value;
}

$('open-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const files = [...$('open-files').files];
  const text = $('open-text').value;
  const common = { passphrase: passphraseOf('open-pass'), liftCap: $('open-lift').checked };
  if (files.length > 0) {
    run('open', { files, ...common }, (result) => {
      const shown = [];
      if (result.outputs.length > 0) {
        const verb = `Opened and verified. ${result.outputs.length > 1 ? 'Save each file:' : 'Save it:'}`;
        shown.push(...downloads(result.staged, result.outputs, verb));
      }
      result.texts.forEach((t, i) => shown.push(textBlock(t, result.texts.length > 1 ? `Message ${i + 1}` : 'Message', 'Copy message')));
      return shown;
    });
  } else if (text.trim() !== '') {
    run('openText', { text, ...common }, (result) => {
      if (result.kind === 'text') return [textBlock(result.text, 'Message (verified)', 'Copy message')];
      const blob = new Blob([result.bytes]);
      return downloads(blob, [{ name: result.name, start: 0, len: result.bytes.length }], 'Opened and verified. Save it:');
    });
  } else {
    showError({ message: 'Choose a sealed file (or all its parts), or paste a sealed message.' });
  }
});

$('seal-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const files = [...$('seal-files').files];
  const options = {
    kdf: $('seal-kdf').value,
    split: $('seal-split').value,
    hideName: $('seal-hide').checked,
    pad: $('seal-pad').checked,
    armor: $('seal-armor').checked,
    allowWeak: $('seal-weak').checked,
  };
  run('seal', { files, passphrase: passphraseOf('seal-pass'), options }, (result) =>
    downloads(result.staged, result.outputs, `Sealed. Send ${result.outputs.length > 1 ? 'these files' : 'this file'} in the chat, and the passphrase another way:`));
});

$('message-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run('sealText', {
    text: $('message-text').value,
    passphrase: passphraseOf('message-pass'),
    allowWeak: $('message-weak').checked,
  }, (pieces) => {
    const intro = document.createElement('p');
    intro.className = 'done';
    intro.textContent = pieces.length > 1
      ? `Sealed into ${pieces.length} pieces: send each as its own message.`
      : 'Sealed. Paste it into the chat:';
    return [intro, ...pieces.map((p, i) => textBlock(p,
      pieces.length > 1 ? `Piece ${i + 1} of ${pieces.length}` : 'Sealed message',
      pieces.length > 1 ? `Copy piece ${i + 1}` : 'Copy'))];
  });
});

$('cancel-button').addEventListener('click', () => { cancel(); });

// Passphrase fields: show/hide, generate, strength.
for (const button of document.querySelectorAll('.show-pass')) {
  button.addEventListener('click', () => {
    const field = $(button.getAttribute('aria-controls'));
    const show = field.type === 'password';
    field.type = show ? 'text' : 'password';
    button.setAttribute('aria-pressed', String(show));
    button.textContent = show ? 'Hide' : 'Show';
  });
}

function watchStrength(prefix) {
  const field = $(`${prefix}-pass`);
  const bar = $(`${prefix}-strength-bar`);
  const text = $(`${prefix}-strength-text`);
  const weakOk = field.closest('form').querySelector('.weak-ok');
  let timer = null;
  const update = async () => {
    const value = field.value;
    const s = await call('strength', { passphrase: value });
    if (field.value !== value) return;
    bar.style.width = `${value ? (s.score + 1) * 20 : 0}%`;
    bar.dataset.score = String(s.score);
    const words = ['very weak', 'weak', 'fair', 'strong', 'very strong'];
    text.textContent = value ? `Strength: ${words[s.score]}. ${s.explanation}` : '';
    weakOk.hidden = !(value && s.weak);
  };
  field.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(update, 120); });
  return update;
}
const strengthOf = { seal: watchStrength('seal'), message: watchStrength('message') };

for (const button of document.querySelectorAll('.generate')) {
  button.addEventListener('click', async () => {
    const field = $(button.getAttribute('aria-controls'));
    const generated = await call('generate');
    field.value = generated.passphrase;
    field.type = 'text';
    const show = field.parentElement.querySelector('.show-pass');
    show.setAttribute('aria-pressed', 'true');
    show.textContent = 'Hide';
    const prefix = field.id.replace('-pass', '');
    showGenerated(prefix, generated.passphrase);
    await strengthOf[prefix]();
    $(`${prefix}-strength-text`).textContent =
      `Generated: 6 words, ${generated.bits.toFixed(1)} bits. Write it down or send it another way than the chat.`;
  });
}

// A generated passphrase is shown whole, wrapped, with a Copy button (the
// field would cut a long one off: read out, it would be the wrong one). It
// stays until the field is changed.
function showGenerated(prefix, passphrase) {
  const box = $(`${prefix}-generated`);
  $(`${prefix}-generated-words`).textContent = passphrase;
  box.querySelector('button')?.remove();
  box.append(copyButton(passphrase, 'Copy passphrase'));
  box.hidden = false;
}
for (const prefix of ['seal', 'message']) {
  const field = $(`${prefix}-pass`);
  field.addEventListener('input', () => {
    if (field.value !== $(`${prefix}-generated-words`).textContent) {
      $(`${prefix}-generated`).hidden = true;
    }
  });
}

// Tabs.
const tabs = [...document.querySelectorAll('[role=tab]')];
function select(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
}
tabs.forEach((tab, i) => {
  tab.addEventListener('click', () => select(tab));
  tab.addEventListener('keydown', (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const next = tabs[(i + step + tabs.length) % tabs.length];
    select(next); next.focus();
  });
});

// ---- start ----------------------------------------------------------------

async function start() {
  setBusy(true);
  $('work').hidden = true;
  await clearStaging().catch(() => {});
  startWorker();
  try {
    const c = await call('choices');
    const fill = (select, items, chosen) => {
      select.replaceChildren(...items.map(({ value, label }) => {
        const option = document.createElement('option');
        option.value = value; option.textContent = label; option.selected = value === chosen;
        return option;
      }));
    };
    fill($('seal-split'), c.split, '');
    fill($('seal-kdf'), c.kdf, 'default');
    for (const el of document.querySelectorAll('.kdf-cap')) el.textContent = c.kdfCap;
    for (const el of document.querySelectorAll('.single-text')) el.textContent = String(c.singleMessageText);
    const opfs = !!(navigator.storage && navigator.storage.getDirectory);
    $('storage-note').textContent = opfs
      ? 'Opened files wait in this browser\'s private storage until they verified, and are deleted when you start the next job or come back.'
      : `This browser has no private file storage (OPFS): output is held in memory, up to ${c.memoryLimit} MiB.`;
    $('loading').hidden = true;
    document.body.dataset.ready = 'true';
  } catch (error) {
    $('loading').textContent = `Could not start: ${error && error.message ? error.message : error}`;
  } finally {
    setBusy(false);
  }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').catch(() => {});
  }
}

window.addEventListener('pagehide', () => { if (shownStaging) removeStaging(shownStaging); });
start();
