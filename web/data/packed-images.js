// The page's image datasets as compact bytes: grey images (0..255) and
// their labels, written by the build (scripts/make-mnist-data.mjs for MNIST,
// scripts/build-site.mjs for Fashion-MNIST) and read by the page
// (web/train/data.js) and the Node tests. Pure functions, no DOM.
//
// MNIST and Fashion-MNIST pixels are mostly background (81 % of MNIST's are
// exactly 0), so a set is stored as
//   labels   u8 [count]
//   mask     u8 [count * ceil(rows*cols / 8)]  bit i of image k: pixel i is not 0
//   values   u8 [the non-zero pixels, in image then pixel order]
// after a header: 8 bytes of magic "TTIMG\x01\0\0", a u32 (little-endian)
// byte length, and that many bytes of UTF-8 JSON: { rows, cols, classes,
// name, source, licence, selection, sets: [{ name, count, nonzero }] }.
// The encoding is lossless; gzip then does better on the two streams
// apart than on raw bytes (MNIST 10,000 digits: 7.84 MB raw, 1.59 MB
// gzipped, 1.44 MB packed and gzipped; site/docs/data.md).

const MAGIC = [0x54, 0x54, 0x49, 0x4d, 0x47, 0x01, 0, 0]; // "TTIMG" 1

/**
 * Pack sets of images: meta { rows, cols, classes, name, source, licence,
 * selection }, sets [{ name, count, pixels: Uint8Array [count*rows*cols],
 * labels: Uint8Array [count] }]. Returns the bytes (not compressed).
 */
export function packImages(meta, sets) {
  const px = meta.rows * meta.cols;
  const maskBytes = Math.ceil(px / 8);
  const parts = [];
  const header = { rows: meta.rows, cols: meta.cols, classes: meta.classes, name: meta.name, source: meta.source, licence: meta.licence, selection: meta.selection, sets: [] };
  for (const set of sets) {
    if (set.pixels.length !== set.count * px || set.labels.length !== set.count) {
      throw new RangeError(`packImages: set ${set.name} says ${set.count} images but has ${set.pixels.length} pixel bytes and ${set.labels.length} labels`);
    }
    let nonzero = 0;
    for (let i = 0; i < set.pixels.length; i++) if (set.pixels[i] !== 0) nonzero++;
    const mask = new Uint8Array(set.count * maskBytes);
    const values = new Uint8Array(nonzero);
    let v = 0;
    for (let k = 0; k < set.count; k++) {
      for (let i = 0; i < px; i++) {
        const p = set.pixels[k * px + i];
        if (p !== 0) {
          mask[k * maskBytes + (i >> 3)] |= 1 << (i & 7);
          values[v++] = p;
        }
      }
    }
    header.sets.push({ name: set.name, count: set.count, nonzero });
    parts.push(set.labels, mask, values);
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(12);
  head.set(MAGIC);
  new DataView(head.buffer).setUint32(8, json.length, true);
  const total = [head, json, ...parts].reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of [head, json, ...parts]) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Unpack bytes made by packImages: { rows, cols, classes, name, source,
 * licence, selection, sets: { [name]: { count, pixels, labels } } }.
 * Throws a RangeError naming what is wrong with a truncated or foreign file.
 */
export function unpackImages(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('unpackImages: expected a Uint8Array');
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) throw new RangeError('unpackImages: not a packed image file (its first bytes are not "TTIMG" version 1)');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + len > bytes.length) throw new RangeError(`unpackImages: the header says ${len} bytes of JSON, the file has ${bytes.length - 12} after the magic`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len)));
  const px = header.rows * header.cols;
  const maskBytes = Math.ceil(px / 8);
  let o = 12 + len;
  const sets = {};
  for (const s of header.sets) {
    const need = s.count + s.count * maskBytes + s.nonzero;
    if (o + need > bytes.length) throw new RangeError(`unpackImages: set ${s.name} needs ${need} bytes, ${bytes.length - o} are left (a truncated file?)`);
    const labels = bytes.slice(o, o + s.count);
    o += s.count;
    const mask = bytes.subarray(o, o + s.count * maskBytes);
    o += s.count * maskBytes;
    const values = bytes.subarray(o, o + s.nonzero);
    o += s.nonzero;
    const pixels = new Uint8Array(s.count * px);
    let v = 0;
    for (let k = 0; k < s.count; k++) {
      const m = k * maskBytes;
      for (let i = 0; i < px; i++) {
        if (mask[m + (i >> 3)] & (1 << (i & 7))) pixels[k * px + i] = values[v++];
      }
    }
    if (v !== s.nonzero) throw new RangeError(`unpackImages: set ${s.name}'s mask marks ${v} pixels, its header says ${s.nonzero}`);
    sets[s.name] = { count: s.count, pixels, labels };
  }
  const { sets: _, ...meta } = header;
  return { ...meta, sets };
}

/** Base64 text -> bytes (the script form of the data, for pages where fetch is refused). */
export function bytesFromBase64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** gzip bytes -> bytes, with the platform's DecompressionStream (browsers, Node 18+). */
export async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
