// "Use my layers": which of the student's classes the page runs instead of
// the library's. It lives on the app (app.layerImpl, one per app, not in
// the URL: a link cannot carry code), and every place that builds layers
// from specs passes it to web/layers.js's layerFromSpec as ctx.impl: the
// editor's network (web/network.js), the training runs (web/train/), the
// ledger and the cost view. Changing it bumps app.layerImpl.version, which
// is part of every layer cache's key, so the next render rebuilds.

/** Kinds the student may replace, with the names the badge uses. */
export const REPLACEABLE = Object.freeze([
  { kind: 'linear', name: 'Linear' },
  { kind: 'dropout', name: 'Dropout' },
]);

/** The app's current choice: { impl: { Linear?, Dropout? }, version }. */
export function layerImplOf(app) {
  app.layerImpl ??= { impl: {}, version: 0 };
  return app.layerImpl;
}

/**
 * Run the page on these student classes ({ Linear?, Dropout? }: a missing
 * or null one is the library's). Re-renders every view.
 */
export function setStudentLayers(app, classes) {
  const cur = layerImplOf(app);
  const impl = {};
  for (const { name } of REPLACEABLE) if (typeof classes?.[name] === 'function') impl[name] = classes[name];
  app.layerImpl = { impl, version: cur.version + 1 };
  app.refresh();
}

/** The badge's sentence: whose code runs, e.g. "your Linear, the library's Dropout". */
export function whoseCode(app) {
  const { impl } = layerImplOf(app);
  const mine = REPLACEABLE.filter(({ name }) => impl[name]).map(({ name }) => name);
  const theirs = REPLACEABLE.filter(({ name }) => !impl[name]).map(({ name }) => name);
  if (mine.length === 0) return 'the library\'s Linear and Dropout';
  if (theirs.length === 0) return `your ${mine.join(', your ')}`;
  return `your ${mine.join(', your ')}, the library's ${theirs.join(' and ')}`;
}
