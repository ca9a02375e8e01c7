// bench/peers/watch.mjs — (Node) records which .wasm files a peer reads
// while loading, so the report names the binary it actually runs.
import fs from 'node:fs';
import path from 'node:path';

/** Start recording; returns { seen() (basenames, in order), restore() }. */
export function watchWasmReads() {
  const seen = [];
  const patched = [[fs, 'readFileSync'], [fs, 'readFile'], [fs.promises, 'readFile']];
  const originals = patched.map(([obj, name]) => obj[name]);
  patched.forEach(([obj, name], i) => {
    obj[name] = function (file, ...rest) {
      if (String(file).endsWith('.wasm')) seen.push(path.basename(String(file)));
      return originals[i].call(this, file, ...rest);
    };
  });
  return { seen: () => [...seen], restore: () => patched.forEach(([obj, name], i) => { obj[name] = originals[i]; }) };
}
