// What the draw tests read from the page, in Chromium (draw.test.js) and
// Firefox (draw-firefox.test.js): the pad's ink and the core's
// probabilities for an input, both through page.evaluate (the same in both
// drivers).

import { PAD } from '../../web/views/draw/index.js';

export { PAD }; // the pad's size in canvas pixels

/** The pad's ink (alpha / 255), as the view reads it. */
export const padInk = (page) => page.evaluate((size) => {
  const d = document.querySelector('[data-testid="dr-pad"]').getContext('2d').getImageData(0, 0, size, size).data;
  return Array.from({ length: size * size }, (_, i) => d[i * 4 + 3] / 255);
}, PAD);

/** The page's layers run by the API's Sequential.forward, in eval mode, on `input`: softmax probabilities. */
export const coreProbs = (page, input) => page.evaluate((values) => {
  const app = globalThis.__tinytorchApps[0];
  const { api } = app;
  const seq = new api.Sequential(app.model.layers.map((r) => r.layer)); // the page's layers; never disposed here
  seq.eval();
  try {
    return Array.from(api.tidy(() => api.noGrad(() => new api.Softmax(-1).forward(seq.forward(new api.Tensor(Float32Array.from(values), { shape: [1, 784] }))).data)));
  } finally {
    seq.train(app.state.mode === 'train');
  }
}, input);
