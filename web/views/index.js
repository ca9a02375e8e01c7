// Every view the page can mount, by the name used in data-view="..." and
// embed.html?view=... Each module exports mount(host, app) -> { update(model, app) }.
import { mountEditor } from './editor/index.js';
import { mountShapes } from './shapes.js';
import { mountInputs } from './inputs.js';
import { mountActivations } from './activations.js';
import { mountDropout } from './dropout.js';
import { mountInverted } from './inverted.js';
import { mountInit } from './init.js';
import { mountMemory } from './memory.js';
import { mountCost } from './cost.js';
import { mountWorkspace } from './workspace/index.js';
import { mountArithmetic } from './arithmetic.js';
import { mountWeights } from './weights.js';
import { mountProbs } from './probs.js';
import { mountCode } from './code.js';
import { mountQuiz } from './quiz.js';
import { mountTraining } from './training.js';
import { mountParams } from './params.js';
import { mountLedger } from './ledger.js';
import { mountBuild } from './build/index.js';
import { mountDraw } from './draw/index.js';
import { mountBreakit } from './breakit/index.js';

export const VIEWS = {
  editor: mountEditor,
  shapes: mountShapes,
  inputs: mountInputs,
  activations: mountActivations,
  dropout: mountDropout,
  inverted: mountInverted,
  init: mountInit,
  memory: mountMemory,
  cost: mountCost,
  workspace: mountWorkspace,
  arithmetic: mountArithmetic,
  weights: mountWeights,
  probs: mountProbs,
  code: mountCode,
  quiz: mountQuiz,
  training: mountTraining,
  params: mountParams,
  ledger: mountLedger,
  build: mountBuild,
  draw: mountDraw,
  breakit: mountBreakit,
};
