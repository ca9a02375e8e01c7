// What the data tests share, in Chromium (data.test.js) and Firefox
// (data-firefox.test.js): the CSV files they give the page (one good file
// and the bad ones, each with the start of the message the page must show)
// and what they read from it (through page.evaluate and a poll: the two
// drivers' waitForFunction take their arguments differently).

/** 4 features, 3 classes, 60 rows with a header (each class a cluster). */
export const GOOD_CSV = ['f1,f2,f3,f4,label', ...Array.from({ length: 60 }, (_, i) => {
  const c = i % 3;
  return [c * 2 + (i % 5) / 10, 10 - c * 3 + (i % 7) / 10, (i % 4) + c, c * 5 + (i % 3), c].join(',');
})].join('\n');

/** [file name, contents, the message it gets] */
export const BAD_CSVS = [
  ['ragged.csv', 'a,b,label\n1,2,0\n3,1\n', 'Row 3 has 2 columns; row 1 has 3.'],
  ['words.csv', 'a,b,label\n1,2,0\n3,x7,1\n', 'Row 3, column 2 ("b"): the cell is "x7", not a number.'],
  ['labels.csv', 'a,b,label\n1,2,0\n3,4,1.5\n', 'Row 3, column 3 ("label"): the label is "1.5", not a class number.'],
  ['wide.csv', `${Array(4098).fill(1).join(',')}\n`, 'Row 1 has 4,098 columns: 4,097 features, more than the 4,096'],
];

/** The state the data tests compare: the dataset, the network, the input kind, the student's data. */
export const appState = (page) => page.evaluate(() => {
  const a = globalThis.__tinytorchApps[0];
  return { data: a.state.data, net: a.state.net, input: a.state.input, user: a.userData && { version: a.userData.version, name: a.userData.name, features: a.userData.features } };
});

/** Press Step (one epoch; the first also measures epoch 0) and read what the trainer used. */
export async function stepEpoch(page) {
  await page.click('[data-testid="train-step"]');
  const t0 = Date.now();
  while (!(await page.evaluate(() => {
    const t = globalThis.__tinytorchApps[0].training;
    return t && ['paused', 'error', 'done'].includes(t.status) && t.trainer?.history.length >= 2;
  }))) {
    if (Date.now() - t0 > 120000) throw new Error('stepEpoch: no epoch trained in 120 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return page.evaluate(() => {
    const t = globalThis.__tinytorchApps[0].training;
    return { status: t.status, error: t.error, via: t.data?.via ?? null, dataset: t.data?.dataset, history: t.trainer.history.length, features: t.trainer.config.features, classes: t.trainer.config.classes, valAcc: t.trainer.history.at(-1).runs[0].valAcc };
  });
}
