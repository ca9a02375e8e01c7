// The book theme's anywidget renderer, hosted in this offline theme: every
// {anywidget} block of a page (server.mjs writes each as a <div
// data-anywidget="...the MyST node as JSON...">) is rendered by npm's
// @myst-theme/anywidget, the package Jupyter Book 2's stock book theme renders
// it with (React, a shadow root per widget, the module loaded by import(),
// render({ model, el }) and its cleanup). scripts/build-myst-example.sh
// bundles this file with esbuild into the theme's public/anywidget-host.js.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { ANY_RENDERERS } from '@myst-theme/anywidget'; // { anywidget: AnyWidgetRenderer }, as the book theme registers it

const roots = [];
for (const mount of document.querySelectorAll('[data-anywidget]')) {
  const node = JSON.parse(mount.dataset.anywidget);
  // import() in this script resolves against the script's URL: make the module's URL absolute
  node.esm = new URL(node.esm, document.baseURI).href;
  if (node.css) node.css = new URL(node.css, document.baseURI).href;
  const root = createRoot(mount);
  root.render(createElement(ANY_RENDERERS.anywidget, { node }));
  roots.push(root);
}
// for the browser tests: unmounting runs each widget's cleanup, as leaving a page of the book does
globalThis.__mystAnywidgetRoots = roots;
