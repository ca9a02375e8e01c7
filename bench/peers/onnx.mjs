// bench/peers/onnx.mjs — writes the ONNX models the ORT peer runs, in JS,
// so Node and the browser page build the same bytes from the same inputs
// and nothing is written to disk. A protobuf writer just big enough for
// onnx.proto's ModelProto (field numbers from onnx/onnx.proto, IR 8).
//
// Models (opset 13; weights are initializers, so ORT may pre-pack them, its
// best case; x is the only graph input):
//   gemm:    y[M,N] = Gemm(x[M,K], W[K,N], b[N])
//   mlp:     Gemm -> Relu -> Gemm -> Relu -> Gemm
//   dropout: (y, mask) = Dropout(x, ratio = p, training_mode = true)

const FLOAT = 1; // TensorProto.DataType.FLOAT
const BOOL = 9;
const ATTR_FLOAT = 1; // AttributeProto.AttributeType

// ---- protobuf wire format: varints (0), length-delimited (2), 32-bit (5)

class Writer {
  constructor() { this.parts = []; this.length = 0; }

  bytes(u8) { this.parts.push(u8); this.length += u8.length; return this; }

  varint(v) {
    const out = [];
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n; // int64 two's complement, 10 bytes
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n) byte |= 0x80;
      out.push(byte);
    } while (n);
    return this.bytes(Uint8Array.from(out));
  }

  key(field, wire) { return this.varint((field << 3) | wire); }
  int(field, v) { return this.key(field, 0).varint(v); }
  float(field, v) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.key(field, 5).bytes(b);
  }

  blob(field, u8) { return this.key(field, 2).varint(u8.length).bytes(u8); }
  string(field, s) { return this.blob(field, new TextEncoder().encode(s)); }
  message(field, build) {
    const inner = new Writer();
    build(inner);
    return this.blob(field, inner.finish());
  }

  finish() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) { out.set(p, at); at += p.length; }
    return out;
  }
}

// ---- onnx.proto messages

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian). */
function tensor(w, name, dims, data, type = FLOAT) {
  for (const d of dims) w.int(1, d);
  w.int(2, type);
  w.string(8, name);
  w.blob(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** ValueInfoProto: name = 1, type = 2 (TypeProto.tensor_type = 1: elem_type = 1, shape = 2 of dim = 1 of dim_value = 1). */
function valueInfo(w, name, dims, type = FLOAT) {
  w.string(1, name);
  w.message(2, (t) => t.message(1, (tt) => {
    tt.int(1, type);
    tt.message(2, (shape) => { for (const d of dims) shape.message(1, (dim) => dim.int(1, d)); });
  }));
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5 (name = 1, f = 2, type = 20). */
function node(w, opType, inputs, outputs, floatAttrs = {}) {
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, `${opType}_${outputs[0]}`);
  w.string(4, opType);
  for (const [name, f] of Object.entries(floatAttrs)) {
    w.message(5, (a) => { a.string(1, name); a.float(2, f); a.int(20, ATTR_FLOAT); });
  }
}

/**
 * ModelProto: ir_version = 1, producer_name = 2, graph = 7 (GraphProto:
 * node = 1, name = 2, initializer = 5, input = 11, output = 12),
 * opset_import = 8 (domain = 1, version = 2).
 */
function model({ nodes, initializers, inputs, outputs }) {
  const w = new Writer();
  w.int(1, 8);
  w.string(2, 'tinytorch-wasm bench');
  w.message(7, (g) => {
    for (const n of nodes) g.message(1, (m) => node(m, ...n));
    g.string(2, 'bench');
    for (const t of initializers) g.message(5, (m) => tensor(m, ...t));
    for (const v of inputs) g.message(11, (m) => valueInfo(m, ...v));
    for (const v of outputs) g.message(12, (m) => valueInfo(m, ...v));
  });
  w.message(8, (o) => { o.string(1, ''); o.int(2, 13); });
  return w.finish();
}

// ---- the bench's models

/** y = x @ W + b as one Gemm (alpha = beta = 1, b broadcast over rows). */
export function gemmModel(M, K, N, W, b) {
  return model({
    nodes: [['Gemm', ['x', 'W', 'b'], ['y']]],
    initializers: [['W', [K, N], W], ['b', [N], b]],
    inputs: [['x', [M, K]]],
    outputs: [['y', [M, N]]],
  });
}

/** widths [w0, ..., wL]; layers [{ W, b }]: Gemm (+ Relu) per layer, no Relu after the last. */
export function mlpModel(B, widths, layers) {
  const nodes = [];
  const initializers = [];
  let prev = 'x';
  layers.forEach(({ W, b }, i) => {
    initializers.push([`W${i}`, [widths[i], widths[i + 1]], W], [`b${i}`, [widths[i + 1]], b]);
    const last = i === layers.length - 1;
    const out = last ? 'y' : `h${i}`;
    nodes.push(['Gemm', [prev, `W${i}`, `b${i}`], [out]]);
    if (!last) { nodes.push(['Relu', [out], [`a${i}`]]); prev = `a${i}`; }
  });
  return model({
    nodes, initializers, inputs: [['x', [B, widths[0]]]], outputs: [['y', [B, widths[widths.length - 1]]]],
  });
}

/** Dropout-13 in training mode: ratio and training_mode are constant inputs. */
export function dropoutModel(R, C, p) {
  return model({
    nodes: [['Dropout', ['x', 'ratio', 'training_mode'], ['y', 'mask']]],
    initializers: [['ratio', [], Float32Array.of(p)], ['training_mode', [], Uint8Array.of(1), BOOL]],
    inputs: [['x', [R, C]]],
    outputs: [['y', [R, C]], ['mask', [R, C], BOOL]],
  });
}
