// The CSV files the data tests give the page, in Chromium (data.test.js)
// and Firefox (data-firefox.test.js): one good file and the bad ones, each
// with the start of the message the page must show.

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
