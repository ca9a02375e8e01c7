// Where the student's code is kept: localStorage when the origin allows
// it (one key per exercise), otherwise nowhere but the page's memory, and
// the view says so and offers the file (download and open always work).
// A sandboxed iframe or a Jupyter Server's /files/ route (an opaque origin)
// throws a SecurityError on the first touch of localStorage; a full
// quota throws on setItem. Both are caught here and reported, never thrown.

const PREFIX = 'tinytorch-wasm:build:';
const VERSION = 1;

/** A small probe: can this origin keep a value? Returns { ok, reason }. */
export function probeStorage() {
  try {
    const s = globalThis.localStorage;
    if (!s) return { ok: false, reason: 'this browser gives the page no local storage' };
    const key = `${PREFIX}probe`;
    s.setItem(key, '1');
    s.removeItem(key);
    return { ok: true, reason: '' };
  } catch (e) {
    const opaque = globalThis.origin === 'null';
    return {
      ok: false,
      reason: opaque
        ? 'this page runs in a sandboxed frame (an opaque origin), where browsers give it no storage'
        : `the browser refused local storage (${String(e?.name ?? e).slice(0, 60)})`,
    };
  }
}

/**
 * The store for one page: { available, reason, load(exercise) -> text|null,
 * save(exercise, text) -> { ok, reason } }. Without storage, load gives null
 * and save keeps the text in memory only.
 */
export function createStore() {
  const probe = probeStorage();
  const memory = new Map();
  return {
    available: probe.ok,
    reason: probe.reason,
    load(exercise) {
      if (!probe.ok) return memory.get(exercise) ?? null;
      try {
        const raw = localStorage.getItem(PREFIX + exercise);
        if (raw === null) return null;
        const rec = JSON.parse(raw);
        return rec && rec.v === VERSION && typeof rec.code === 'string' ? rec.code : null;
      } catch {
        return null; // a damaged record: the starter code, not a crash
      }
    },
    save(exercise, code) {
      memory.set(exercise, code);
      if (!probe.ok) return { ok: false, reason: probe.reason };
      try {
        localStorage.setItem(PREFIX + exercise, JSON.stringify({ v: VERSION, code, saved: Date.now() }));
        return { ok: true, reason: '' };
      } catch (e) {
        return { ok: false, reason: `the browser refused to save (${String(e?.name ?? e).slice(0, 60)}); download the file to keep it` };
      }
    },
    remove(exercise) {
      memory.delete(exercise);
      if (!probe.ok) return;
      try { localStorage.removeItem(PREFIX + exercise); } catch { /* nothing kept: nothing to remove */ }
    },
  };
}

/** Offer `text` as a download called `name` (a data: URL: blob: URLs are refused in some sandboxes). */
export function download(name, text) {
  const a = document.createElement('a');
  a.href = `data:text/javascript;charset=utf-8,${encodeURIComponent(text)}`;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

/** The largest file "Open a file" accepts, in bytes: a module of three classes is a few kB. */
export const MAX_FILE_BYTES = 256 * 1024;

/** Read a File the student picked: resolves to its text, or rejects with a message a person can read. */
export async function readPickedFile(file) {
  if (!file) throw new Error('no file was chosen');
  if (file.size > MAX_FILE_BYTES) throw new RangeError(`${file.name} is ${file.size.toLocaleString('en-US')} bytes; a layers module is a few kB (at most ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes here)`);
  const text = await file.text();
  if (text.includes('\u0000')) throw new TypeError(`${file.name} is not a text file`);
  return text;
}
