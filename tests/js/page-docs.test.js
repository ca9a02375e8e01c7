// The documents name the page's views from the one registry
// (web/views/index.js): a view added or renamed there must be added to
// the course authors' guide and the Sphinx example's guide, or this fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VIEWS } from '../../web/views/index.js';

const doc = readFileSync(new URL('../../site/docs/course-authors.md', import.meta.url), 'utf8');

test("the course authors' guide lists exactly the registry's views, in its order", () => {
  const section = doc.slice(doc.indexOf('## The views'));
  const listed = section.slice(0, section.indexOf('; an unknown name')).match(/`([a-z]+)`/g).map((s) => s.slice(1, -1));
  assert.deepEqual(listed, Object.keys(VIEWS));
});

test("the Sphinx example's guide lists exactly the registry's views, in its order", () => {
  const guide = readFileSync(new URL('../../site/sphinx-example/index.md', import.meta.url), 'utf8');
  const start = guide.indexOf('The views (the registry');
  assert.ok(start > 0, 'the guide names the views where it explains embed.html?view=');
  const listed = guide.slice(start, guide.indexOf('. An unknown name', start)).match(/`([a-z]+)`/g).map((s) => s.slice(1, -1));
  assert.deepEqual(listed, Object.keys(VIEWS));
});
