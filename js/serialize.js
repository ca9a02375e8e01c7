// Weights to files and back: safetensors and NumPy's .npz, the two formats
// a PyTorch user loads without this library.
//
// - safetensors (Hugging Face's format: an 8-byte little-endian header
//   length, a JSON header naming each tensor's dtype, shape and byte range,
//   then the raw little-endian bytes). PyTorch reads it with
//   `safetensors.torch.load_file`, which needs the `safetensors` package
//   (pip; Debian packages no python3-safetensors).
// - .npz (numpy.savez: a zip, stored without compression, of one .npy file
//   per tensor). Needs only NumPy: `np.load(f)` then torch.from_numpy.
//
// Both hold plain arrays: a file is read into a Map from name to
// { dtype, shape, data } (no wasm memory), in the file's order, and
// written from a Module (its parameters under PyTorch's names and layout:
// torchStateDict) or from a Map / plain object of Tensors or
// { shape, data: Float32Array } written as given.
//
// Layouts: this library's Linear computes x W + b with W [in, out] (the
// lesson's); PyTorch's nn.Linear keeps weight as [out, in] and computes
// x Wᵀ + b. torchStateDict(module) writes each Linear weight transposed,
// under the names torch.nn.Sequential gives ("0.weight", "0.bias"), so
// model.load_state_dict() takes the file as is; fromTorchStateDict(module,
// dict) checks a PyTorch state dict against the module and transposes back.

import { Module, isBranded, matchStateDictKeys } from './module.js';
import { Linear } from './linear.js';
import { isTensor, shapeOf, storageOf, tensorArg } from './tensor.js';
import { isPlainObject, readOptions, checkBool } from './checks.js';
import { ShapeError, describe, fmtShape } from './errors.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// made on first use: a context without TextEncoder (the page's sandboxes) can still import the package
let encoder = null;
const utf8 = { encode: (s) => (encoder ??= new TextEncoder()).encode(s) };
let strictDecoder = null;
const utf8Strict = { decode: (b) => (strictDecoder ??= new TextDecoder('utf-8', { fatal: true })).decode(b) };

// ---------------------------------------------------------------- state dicts

/** The weights of the module's Linear layers, as a Set of tensors. */
function linearWeights(module) {
  const out = new Set();
  for (const m of module.modules()) if (m instanceof Linear) out.add(m.weight);
  return out;
}

/** [rows, cols] values transposed to [cols, rows]. */
function transpose2d(data, rows, cols) {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}

function moduleArgOf(m, what) {
  if (!(m instanceof Module)) throw new TypeError(`${what}: expected a layer (a Module: Sequential, Linear, ...), got ${describe(m)}`);
  return m;
}

/**
 * The module's parameters as PyTorch's state_dict() of the same network
 * would hold them: a Map from name ("0.weight", ...) to { dtype: 'F32',
 * shape, data } (copies), each Linear weight transposed to [out, in].
 */
export function torchStateDict(module) {
  moduleArgOf(module, 'torchStateDict: module');
  const weights = linearWeights(module);
  const out = new Map();
  for (const [name, t] of module.namedParameters()) {
    tensorArg(t, `torchStateDict: parameter ${JSON.stringify(name)}`);
    const shape = shapeOf(t);
    let data = storageOf(t).read(t.size);
    let s = [...shape];
    if (weights.has(t)) {
      data = transpose2d(data, shape[0], shape[1]);
      s = [shape[1], shape[0]];
    }
    out.set(name, { dtype: 'F32', shape: s, data });
  }
  return out;
}

/**
 * A PyTorch state dict (a Map or a plain object from name to
 * { dtype, shape, data }, as loadSafetensors and loadNpz return, or to
 * Tensors) for a network of the module's shape, checked and turned into
 * this library's layout: a Map ready for module.loadStateDict(). Names
 * must match exactly (strict, the default: a RangeError naming the missing
 * and unexpected ones), each value must be float32 (a TypeError naming the
 * key and the dtype) and of PyTorch's shape (a ShapeError naming the key,
 * the shape expected and the one given); Linear weights [out, in] are
 * transposed to [in, out].
 */
export function fromTorchStateDict(module, dict, opts) {
  const what = 'fromTorchStateDict';
  moduleArgOf(module, `${what}: module`);
  const o = readOptions(opts, what, { strict: [true, checkBool] });
  let given;
  if (dict instanceof Map) given = new Map(dict);
  else if (isPlainObject(dict)) given = new Map(Object.entries(dict));
  else throw new TypeError(`${what}: the state dict must be a Map or a plain object from names to arrays, got ${describe(dict)}`);
  const weights = linearWeights(module);
  const params = module.namedParameters();
  matchStateDictKeys(params.map(([n]) => n), given, o.strict, what, (list) => `this network's PyTorch state dict has exactly ${list}`);
  const out = new Map();
  for (const [name, t] of params) {
    if (!given.has(name)) continue;
    const key = `${what}: ${JSON.stringify(name)}`;
    const v = given.get(name);
    const ours = shapeOf(tensorArg(t, `${what}: parameter ${JSON.stringify(name)}`));
    const isW = weights.has(t);
    const theirs = isW ? [ours[1], ours[0]] : ours;
    let shape;
    let data;
    if (isTensor(v) || isBranded(v)) {
      tensorArg(v, key);
      shape = shapeOf(v);
      data = storageOf(v).read(v.size);
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const dtype = v.dtype ?? 'F32';
      data = v.data;
      if (dtype !== 'F32' || !(data instanceof Float32Array)) {
        throw new TypeError(`${key}: expected float32 (F32), got ${dtype !== 'F32' ? `dtype ${describe(dtype)}` : describe(data)} (in PyTorch, model.float() before saving)`);
      }
      shape = v.shape;
      if (!Array.isArray(shape)) throw new TypeError(`${key}: shape must be an array, got ${describe(shape)}`);
    } else {
      throw new TypeError(`${key}: expected { dtype, shape, data } or a Tensor, got ${describe(v)}`);
    }
    if (shape.length !== theirs.length || shape.some((d, i) => d !== theirs[i])) {
      const hint = isW && shape.length === 2 && shape[0] === ours[0] && shape[1] === ours[1] && ours[0] !== ours[1]
        ? ' (this is tinytorch-wasm\'s [in, out] layout; a PyTorch nn.Linear weight is [out, in])' : '';
      throw new ShapeError(`${key}: expected shape ${fmtShape(theirs)}${isW ? ' (nn.Linear weight, [out, in])' : ''}, got ${fmtShape(shape)}${hint}`);
    }
    if (data.length !== theirs.reduce((a, b) => a * b, 1)) throw new ShapeError(`${key}: shape ${fmtShape(theirs)} does not match ${data.length} values`);
    out.set(name, isW ? { dtype: 'F32', shape: [...ours], data: transpose2d(data, theirs[0], theirs[1]) } : { dtype: 'F32', shape: [...ours], data: data.slice() });
  }
  return out;
}

/** What a writer writes: a Module (PyTorch names and layout), or a Map / plain object of Tensors or { shape, data }. */
function entriesToWrite(source, what) {
  if (source instanceof Module) return [...torchStateDict(source)];
  let entries;
  if (source instanceof Map) entries = [...source];
  else if (isPlainObject(source)) entries = Object.entries(source);
  else throw new TypeError(`${what}: expected a layer (Module) or a Map / plain object of tensors, got ${describe(source)}`);
  return entries.map(([name, v]) => {
    if (typeof name !== 'string' || name === '') throw new TypeError(`${what}: every name must be a non-empty string, got ${describe(name)}`);
    const key = `${what}: ${JSON.stringify(name)}`;
    if (isTensor(v) || isBranded(v)) {
      tensorArg(v, key);
      return [name, { dtype: 'F32', shape: shapeOf(v), data: storageOf(v).read(v.size) }];
    }
    if (v === null || typeof v !== 'object' || !(v.data instanceof Float32Array)) {
      throw new TypeError(`${key}: expected a Tensor or { shape, data: Float32Array }, got ${v && typeof v === 'object' ? `data ${describe(v.data)}` : describe(v)}`);
    }
    const shape = v.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new TypeError(`${key}: shape must be an array of non-negative integers, got ${describe(shape)}`);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== v.data.length) throw new ShapeError(`${key}: shape ${fmtShape(shape)} holds ${n} values, got ${v.data.length}`);
    return [name, { dtype: 'F32', shape: [...shape], data: v.data }];
  });
}

/** float32 values as little-endian bytes. */
function f32Bytes(data) {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) dv.setFloat32(i * 4, data[i], true);
  return out;
}

function bytesArg(bytes, what) {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new TypeError(`${what}: expected the file's bytes (a Uint8Array or an ArrayBuffer), got ${describe(bytes)}`);
}

// ---------------------------------------------------------------- safetensors

/** safetensors dtypes: bytes per element and the typed array a reader gives (raw bits for the floats JS has no array for). */
const ST_DTYPES = {
  F64: [8, Float64Array], F32: [4, Float32Array], F16: [2, Uint16Array], BF16: [2, Uint16Array],
  I64: [8, BigInt64Array], U64: [8, BigUint64Array], I32: [4, Int32Array], U32: [4, Uint32Array],
  I16: [2, Int16Array], U16: [2, Uint16Array], I8: [1, Int8Array], U8: [1, Uint8Array], BOOL: [1, Uint8Array],
  F8_E4M3: [1, Uint8Array], F8_E5M2: [1, Uint8Array],
};
/** The header size the safetensors library itself refuses above (100 MB). */
const ST_MAX_HEADER = 100_000_000;

/**
 * A safetensors file (a Uint8Array) of a Module's parameters (PyTorch's
 * names and [out, in] Linear weights: `model.load_state_dict(load_file(f))`
 * takes it) or of a Map / object of tensors (as given). `metadata`: string
 * pairs for the header's __metadata__ (a Module's file gets { format: 'pt' }).
 */
export function saveSafetensors(source, opts) {
  const what = 'saveSafetensors';
  const o = readOptions(opts, what, { metadata: [undefined, (v, w) => {
    if (!isPlainObject(v) || !Object.values(v).every((x) => typeof x === 'string')) throw new TypeError(`${w} must be an object of strings, got ${describe(v)}`);
    return { ...v };
  }] });
  const entries = entriesToWrite(source, what);
  const header = {};
  const meta = { ...(source instanceof Module ? { format: 'pt' } : {}), ...(o.metadata ?? {}) };
  if (Object.keys(meta).length) header.__metadata__ = meta;
  let offset = 0;
  for (const [name, e] of entries) {
    if (name === '__metadata__') throw new RangeError(`${what}: "__metadata__" is reserved by the format and cannot name a tensor`);
    const n = e.data.length * 4;
    header[name] = { dtype: 'F32', shape: e.shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = utf8.encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8; // the library pads with spaces so the data starts 8-aligned
  const out = new Uint8Array(8 + padded + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  json = null;
  let at = 8 + padded;
  for (const [, e] of entries) {
    out.set(f32Bytes(e.data), at);
    at += e.data.length * 4;
  }
  return out;
}

/**
 * Read a safetensors file into a Map from name to { dtype, shape, data }
 * (data: a Float32Array for F32; the other dtypes in their typed array,
 * F16/BF16/F8 as raw bits), in the order of the data. Strict, as the
 * format's own reader: a RangeError names what is wrong (a header length
 * past the end, a header that is not a JSON object, an entry without dtype,
 * shape or data_offsets, offsets that overlap, leave a hole or do not
 * match the shape, bytes after the last tensor); a TypeError an unknown
 * dtype. The file's __metadata__ is on the Map as `.metadata`.
 */
export function loadSafetensors(bytes) {
  const what = 'loadSafetensors';
  const b = bytesArg(bytes, what);
  if (b.length < 8) throw new RangeError(`${what}: ${b.length} bytes is too short for a safetensors file (it starts with an 8-byte header length)`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n64 = dv.getBigUint64(0, true);
  if (n64 > BigInt(ST_MAX_HEADER)) throw new RangeError(`${what}: header length ${n64} is larger than the format allows (${ST_MAX_HEADER} bytes): not a safetensors file?`);
  const n = Number(n64);
  if (8 + n > b.length) throw new RangeError(`${what}: the header length says ${n} bytes, but the file has ${b.length - 8} after the length: a truncated or not a safetensors file`);
  let header;
  try {
    const text = utf8Strict.decode(b.subarray(8, 8 + n));
    if (!text.startsWith('{')) throw new Error('it does not start with "{"');
    header = JSON.parse(text);
  } catch (e) {
    throw new RangeError(`${what}: the ${n}-byte header is not a JSON object (${e.message}): not a safetensors file?`);
  }
  if (!isPlainObject(header)) throw new RangeError(`${what}: the header must be a JSON object, got ${describe(header)}`);
  const dataLen = b.length - 8 - n;
  const entries = [];
  let metadata = null;
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(e) || !Object.values(e).every((x) => typeof x === 'string')) throw new RangeError(`${what}: __metadata__ must be an object of strings`);
      metadata = e;
      continue;
    }
    const key = `${what}: tensor ${JSON.stringify(name)}`;
    if (!isPlainObject(e)) throw new RangeError(`${key}: expected { dtype, shape, data_offsets }, got ${describe(e)}`);
    for (const k of Object.keys(e)) if (!['dtype', 'shape', 'data_offsets'].includes(k)) throw new RangeError(`${key}: unknown field ${JSON.stringify(k)}`);
    if (typeof e.dtype !== 'string') throw new RangeError(`${key}: dtype must be a string, got ${describe(e.dtype)}`);
    if (!Object.hasOwn(ST_DTYPES, e.dtype)) throw new TypeError(`${key}: unknown dtype ${describe(e.dtype)}; safetensors has ${Object.keys(ST_DTYPES).join(', ')}`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new RangeError(`${key}: shape must be an array of non-negative integers, got ${JSON.stringify(e.shape)}`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) {
      throw new RangeError(`${key}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(off)}`);
    }
    const [size, Array_] = ST_DTYPES[e.dtype];
    const count = e.shape.reduce((a, c) => a * c, 1);
    if (off[1] - off[0] !== count * size) {
      throw new RangeError(`${key}: data_offsets ${JSON.stringify(off)} hold ${off[1] - off[0]} bytes, but ${e.dtype} ${fmtShape(e.shape)} needs ${count * size}`);
    }
    entries.push({ name, dtype: e.dtype, shape: e.shape, begin: off[0], end: off[1], size, Array_, count });
  }
  entries.sort((x, y) => x.begin - y.begin || x.end - y.end);
  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected) {
      throw new RangeError(`${what}: tensor ${JSON.stringify(e.name)} starts at byte ${e.begin} of the data, expected ${expected} (${e.begin < expected ? 'it overlaps the tensor before' : 'a hole before it'})`);
    }
    expected = e.end;
  }
  if (expected !== dataLen) {
    throw new RangeError(`${what}: the tensors end at byte ${expected} of the data, but the file has ${dataLen} data bytes (${expected > dataLen ? 'truncated' : 'bytes after the last tensor'})`);
  }
  const out = new Map();
  const start = b.byteOffset + 8 + n;
  for (const e of entries) {
    const raw = b.buffer.slice(start + e.begin, start + e.end); // a copy, aligned for the typed array
    let data;
    if (LITTLE_ENDIAN || e.size === 1) data = new e.Array_(raw);
    else throw new RangeError(`${what}: big-endian hosts are not supported`);
    out.set(e.name, { dtype: e.dtype, shape: [...e.shape], data });
  }
  out.metadata = metadata;
  return out;
}

// ---------------------------------------------------------------- .npy / .npz

/** .npy descr -> [dtype name as safetensors spells it, bytes, typed array]; '<' little-endian, '|' one byte. */
const NPY_DTYPES = {
  '<f4': ['F32', 4, Float32Array], '<f8': ['F64', 8, Float64Array], '<f2': ['F16', 2, Uint16Array],
  '<i8': ['I64', 8, BigInt64Array], '<u8': ['U64', 8, BigUint64Array], '<i4': ['I32', 4, Int32Array], '<u4': ['U32', 4, Uint32Array],
  '<i2': ['I16', 2, Int16Array], '<u2': ['U16', 2, Uint16Array], '|i1': ['I8', 1, Int8Array], '|u1': ['U8', 1, Uint8Array], '|b1': ['BOOL', 1, Uint8Array],
};

/** One .npy file (format 1.0, header padded to 64 bytes, as numpy writes it) of float32 values. */
function npyBytes(shape, data) {
  const shp = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let head = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shp}, }`;
  const total = Math.ceil((10 + head.length + 1) / 64) * 64;
  head = head.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  new DataView(out.buffer).setUint16(8, head.length, true);
  out.set(utf8.encode(head), 10);
  out.set(f32Bytes(data), total);
  return out;
}

/** Parse one .npy file: { dtype, shape, data } in C order. */
function parseNpy(b, what) {
  if (b.length < 10 || b[0] !== 0x93 || String.fromCharCode(...b.subarray(1, 6)) !== 'NUMPY') {
    throw new RangeError(`${what}: not a .npy array (no \\x93NUMPY magic)`);
  }
  const major = b[6];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let hlen;
  let at;
  if (major === 1) { hlen = dv.getUint16(8, true); at = 10; }
  else if (major === 2 || major === 3) {
    if (b.length < 12) throw new RangeError(`${what}: truncated .npy header`);
    hlen = dv.getUint32(8, true); at = 12;
  } else throw new RangeError(`${what}: .npy format version ${major}.${b[7]} is not one numpy writes (1, 2 or 3)`);
  if (at + hlen > b.length) throw new RangeError(`${what}: the .npy header says ${hlen} bytes, the file has ${b.length - at}`);
  const head = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(b.subarray(at, at + hlen));
  const m = /^\{\s*'descr'\s*:\s*'([^']*)'\s*,\s*'fortran_order'\s*:\s*(True|False)\s*,\s*'shape'\s*:\s*\(([^)]*)\)\s*,?\s*\}\s*$/.exec(head);
  if (!m) throw new RangeError(`${what}: the .npy header is not numpy's {'descr', 'fortran_order', 'shape'} dict: ${JSON.stringify(head.trim().slice(0, 120))}`);
  const [, descr, fortran, shp] = m;
  const dims = shp.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!dims.every((s) => /^\d+$/.test(s))) throw new RangeError(`${what}: the .npy shape (${shp}) is not a tuple of integers`);
  const shape = dims.map(Number);
  const spec = NPY_DTYPES[descr];
  if (!spec) {
    throw new TypeError(`${what}: dtype ${JSON.stringify(descr)} is not one this reader knows (${Object.keys(NPY_DTYPES).join(', ')}; '>' is big-endian, 'O' pickled objects)`);
  }
  const [dtype, size, Array_] = spec;
  const count = shape.reduce((a, c) => a * c, 1);
  const start = at + hlen;
  if (b.length - start !== count * size) {
    throw new RangeError(`${what}: ${dtype} ${fmtShape(shape)} needs ${count * size} data bytes, the .npy holds ${b.length - start}`);
  }
  let data = new Array_(b.buffer.slice(b.byteOffset + start, b.byteOffset + b.length));
  if (fortran === 'True' && shape.length > 1) data = fortranToC(data, shape);
  return { dtype, shape, data };
}

/** Column-major values (numpy's fortran_order) into row-major order. */
function fortranToC(src, shape) {
  const out = new src.constructor(src.length);
  const nd = shape.length;
  const idx = new Array(nd).fill(0);
  const fStride = new Array(nd);
  fStride[0] = 1;
  for (let d = 1; d < nd; d++) fStride[d] = fStride[d - 1] * shape[d - 1];
  for (let c = 0; c < out.length; c++) {
    let f = 0;
    for (let d = 0; d < nd; d++) f += idx[d] * fStride[d];
    out[c] = src[f];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

let crcTable = null;
function crc32(bytes) {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A .npz file (a Uint8Array; numpy.savez's format: a zip of one .npy per
 * tensor, stored, no compression) of a Module's parameters (PyTorch's names
 * and layout) or of a Map / object of tensors (as given). In Python:
 * `{k: torch.from_numpy(v) for k, v in np.load(f).items()}`.
 */
export function saveNpz(source) {
  const entries = entriesToWrite(source, 'saveNpz');
  const files = entries.map(([name, e]) => {
    const nameBytes = utf8.encode(`${name}.npy`);
    const body = npyBytes(e.shape, e.data);
    return { nameBytes, body, crc: crc32(body) };
  });
  const localSize = files.reduce((s, f) => s + 30 + f.nameBytes.length + f.body.length, 0);
  const centralSize = files.reduce((s, f) => s + 46 + f.nameBytes.length, 0);
  if (localSize + centralSize > 0xfffffff0 || files.length > 0xffff) throw new RangeError('saveNpz: more than 4 GB or 65535 tensors (this writer makes no zip64)');
  const out = new Uint8Array(localSize + centralSize + 22);
  const dv = new DataView(out.buffer);
  const DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1; // 1980-01-01 00:00, as numpy's files have a fixed time too
  let at = 0;
  const offsets = [];
  for (const f of files) {
    offsets.push(at);
    dv.setUint32(at, 0x04034b50, true);
    dv.setUint16(at + 4, 20, true); // version needed 2.0
    dv.setUint16(at + 6, f.nameBytes.length > 0 && /[^\x20-\x7e]/.test(new TextDecoder().decode(f.nameBytes)) ? 0x800 : 0, true); // UTF-8 names flagged
    dv.setUint16(at + 8, 0, true); // stored
    dv.setUint16(at + 10, 0, true);
    dv.setUint16(at + 12, DOS_DATE, true);
    dv.setUint32(at + 14, f.crc, true);
    dv.setUint32(at + 18, f.body.length, true);
    dv.setUint32(at + 22, f.body.length, true);
    dv.setUint16(at + 26, f.nameBytes.length, true);
    dv.setUint16(at + 28, 0, true);
    out.set(f.nameBytes, at + 30);
    out.set(f.body, at + 30 + f.nameBytes.length);
    at += 30 + f.nameBytes.length + f.body.length;
  }
  const cdStart = at;
  files.forEach((f, i) => {
    dv.setUint32(at, 0x02014b50, true);
    dv.setUint16(at + 4, 20, true); // made by 2.0
    dv.setUint16(at + 6, 20, true);
    dv.setUint16(at + 8, dv.getUint16(offsets[i] + 6, true), true);
    dv.setUint16(at + 10, 0, true);
    dv.setUint16(at + 12, 0, true);
    dv.setUint16(at + 14, DOS_DATE, true);
    dv.setUint32(at + 16, f.crc, true);
    dv.setUint32(at + 20, f.body.length, true);
    dv.setUint32(at + 24, f.body.length, true);
    dv.setUint16(at + 28, f.nameBytes.length, true);
    // extra, comment, disk, internal attrs: 0
    dv.setUint32(at + 38, 0o100644 << 16 >>> 0, true); // a regular file, rw-r--r--
    dv.setUint32(at + 42, offsets[i], true);
    out.set(f.nameBytes, at + 46);
    at += 46 + f.nameBytes.length;
  });
  dv.setUint32(at, 0x06054b50, true);
  dv.setUint16(at + 8, files.length, true);
  dv.setUint16(at + 10, files.length, true);
  dv.setUint32(at + 12, at - cdStart, true);
  dv.setUint32(at + 16, cdStart, true);
  return out;
}

/**
 * Read a .npz file (numpy.savez: stored, zip64 records as numpy writes
 * them) into a Map from name (the member's name without ".npy") to
 * { dtype, shape, data }, in the archive's order. A RangeError names what
 * is wrong (not a zip, a truncated member, a CRC mismatch, a member that is
 * not a .npy array); compressed members (numpy.savez_compressed) are refused
 * with a message saying to use numpy.savez.
 */
export function loadNpz(bytes) {
  const what = 'loadNpz';
  const b = bytesArg(bytes, what);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (o) => dv.getUint16(o, true);
  const u32 = (o) => dv.getUint32(o, true);
  const u64 = (o) => Number(dv.getBigUint64(o, true));
  const need = (o, n, whatPart) => {
    if (o < 0 || o + n > b.length) throw new RangeError(`${what}: ${whatPart} runs past the end of the file (${b.length} bytes): truncated?`);
  };
  // the end of central directory record: the last 22 bytes, or before a comment of up to 65535
  let eocd = -1;
  for (let o = b.length - 22; o >= Math.max(0, b.length - 22 - 0xffff); o--) {
    if (u32(o) === 0x06054b50) { eocd = o; break; }
  }
  if (eocd < 0) {
    if (b.length >= 4 && u32(0) === 0x04034b50) throw new RangeError(`${what}: a zip without its central directory: truncated?`);
    throw new RangeError(`${what}: not a .npz file (no zip end record)${b.length >= 6 && b[0] === 0x93 ? '; this looks like a single .npy array' : ''}`);
  }
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdStart = u32(eocd + 16);
  if (count === 0xffff || cdStart === 0xffffffff || cdSize === 0xffffffff) { // zip64
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== 0x07064b50) throw new RangeError(`${what}: a zip64 archive without its zip64 locator`);
    const rec = u64(loc + 8);
    need(rec, 56, 'the zip64 end record');
    if (u32(rec) !== 0x06064b50) throw new RangeError(`${what}: bad zip64 end record`);
    count = u64(rec + 32);
    cdSize = u64(rec + 40);
    cdStart = u64(rec + 48);
  }
  need(cdStart, cdSize, 'the central directory');
  const out = new Map();
  let at = cdStart;
  for (let i = 0; i < count; i++) {
    need(at, 46, `central directory entry ${i}`);
    if (u32(at) !== 0x02014b50) throw new RangeError(`${what}: central directory entry ${i} has a bad signature`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    let csize = u32(at + 20);
    let usize = u32(at + 24);
    const nlen = u16(at + 28);
    const xlen = u16(at + 30);
    const clen = u16(at + 32);
    let local = u32(at + 42);
    need(at + 46, nlen + xlen + clen, `central directory entry ${i}`);
    const fname = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(b.subarray(at + 46, at + 46 + nlen));
    // zip64 extra field: the 64-bit sizes and offset, for each 32-bit field set to 0xffffffff
    let x = at + 46 + nlen;
    const xend = x + xlen;
    while (x + 4 <= xend) {
      const id = u16(x);
      const len = u16(x + 2);
      if (id === 0x0001) {
        let p = x + 4;
        if (usize === 0xffffffff) { usize = u64(p); p += 8; }
        if (csize === 0xffffffff) { csize = u64(p); p += 8; }
        if (local === 0xffffffff) { local = u64(p); p += 8; }
      }
      x += 4 + len;
    }
    const key = `${what}: member ${JSON.stringify(fname)}`;
    if (flags & 1) throw new RangeError(`${key} is encrypted`);
    if (method === 8) throw new RangeError(`${key} is compressed (numpy.savez_compressed); save with numpy.savez, which stores the arrays uncompressed`);
    if (method !== 0) throw new RangeError(`${key} uses zip compression method ${method}; save with numpy.savez (stored, no compression)`);
    if (csize !== usize) throw new RangeError(`${key}: stored, yet its sizes differ (${csize} and ${usize})`);
    need(local, 30, `${key}'s header`);
    if (u32(local) !== 0x04034b50) throw new RangeError(`${key}: bad local header signature at byte ${local}`);
    const dataStart = local + 30 + u16(local + 26) + u16(local + 28);
    need(dataStart, csize, `${key}'s data`);
    const body = b.subarray(dataStart, dataStart + csize);
    if (crc32(body) !== crc) throw new RangeError(`${key}: CRC mismatch (the file is damaged)`);
    if (!fname.endsWith('.npy')) throw new RangeError(`${key} is not a .npy array`);
    const name = fname.slice(0, -4);
    if (out.has(name)) throw new RangeError(`${key}: the name appears twice`);
    out.set(name, parseNpy(body, key));
    at += 46 + nlen + xlen + clen;
  }
  return out;
}
