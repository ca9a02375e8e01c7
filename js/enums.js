// One mirror of every enum of src/tt.h, and the metadata the API and the
// page derive their lists from (initialisers with their labels and
// formulas, the activations). Codes and names must match the core's own
// tables: tests/js/enums.test.js compares them with tt_enum_name().

const freeze = (o) => Object.freeze(o);

/** enum tt_status: name -> code. */
export const STATUS = freeze({ ok: 0, err_arg: -1, err_shape: -2, err_nomem: -3, err_state: -4 });
/** enum tt_binary_op. */
export const BINARY_OP = freeze({ add: 0, sub: 1, mul: 2, div: 3 });
/** enum tt_reduce_op. */
export const REDUCE_OP = freeze({ sum: 0, mean: 1, max: 2 });

/**
 * enum tt_activation, in code order. `className` is the API's layer class,
 * `formula` how the lesson writes it.
 */
export const ACTIVATIONS = freeze([
  freeze({ code: 0, name: 'relu', className: 'ReLU', formula: 'max(0, x)' }),
  freeze({ code: 1, name: 'sigmoid', className: 'Sigmoid', formula: '1 / (1 + e^-x)' }),
  freeze({ code: 2, name: 'tanh', className: 'Tanh', formula: 'tanh(x)' }),
  freeze({ code: 3, name: 'gelu', className: 'GELU', formula: 'x · σ(1.702x)' }),
  freeze({ code: 4, name: 'softmax', className: 'Softmax', formula: 'e^x_i / Σ_j e^x_j' }),
]);

/**
 * enum tt_init, in code order. `key` is the name Linear's `init` option
 * takes (the first), `aliases` the other names it accepts; `scale(K, N)`
 * gives the distribution's parameter for in_features K and out_features N,
 * as the core draws it (src/tt_linear.c).
 */
export const INITIALIZERS = freeze([
  freeze({
    code: 0, name: 'lesson', key: 'xavier', aliases: freeze(['lecun_normal']),
    label: "the lesson's init (LeCun normal)", formula: 'N(0, 1/in)',
    note: "The lesson calls it Xavier; PyTorch's xavier_normal_ uses 2/(in+out) instead.",
    scale: (K) => ({ distribution: 'normal', std: Math.sqrt(1 / K) }),
  }),
  freeze({
    code: 1, name: 'xavier_uniform', key: 'xavier_uniform', aliases: freeze(['glorot_uniform']),
    label: 'Glorot (Xavier) uniform', formula: 'U(−a, a), a = √(6/(in+out))',
    note: 'Keeps the variance of activations and of gradients, averaging fan-in and fan-out.',
    scale: (K, N) => ({ distribution: 'uniform', bound: Math.sqrt(6 / (K + N)) }),
  }),
  freeze({
    code: 2, name: 'he_normal', key: 'he_normal', aliases: freeze(['kaiming_normal']),
    label: 'He (Kaiming) normal', formula: 'N(0, 2/in)',
    note: 'Doubles the variance to make up for ReLU zeroing half of its inputs.',
    scale: (K) => ({ distribution: 'normal', std: Math.sqrt(2 / K) }),
  }),
  freeze({
    code: 3, name: 'naive_normal', key: 'normal', aliases: freeze(['naive']),
    label: 'N(0, 1): the pitfall', formula: 'N(0, 1)',
    note: 'Ignores the width: activations grow by about √in per layer.',
    scale: () => ({ distribution: 'normal', std: 1 }),
  }),
]);

/** Linear's `init` option: every accepted name (keys and aliases) -> code. */
export const INITS = freeze(Object.fromEntries(
  INITIALIZERS.flatMap((i) => [i.key, ...i.aliases].map((k) => [k, i.code])),
));

/** The initialiser record for an accepted name, or undefined. */
export function initializerFor(name) {
  return Object.hasOwn(INITS, name) ? INITIALIZERS[INITS[name]] : undefined;
}

/** enum tt_enum_table: which table tt_enum_name() reads. */
export const ENUM_TABLE = freeze({ status: 0, binary_op: 1, reduce_op: 2, activation: 3, init: 4 });
