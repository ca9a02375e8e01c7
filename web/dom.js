// DOM helpers the views share. Text always goes in as text (textContent),
// never as markup: views show strings that come from links and the core.

/**
 * el('p', { text: 'hi', className: 'x', 'data-testid': 't' }, child, [more, children]):
 * text and className set properties, hidden/disabled/checked are boolean
 * properties, null/undefined values are skipped, anything else is an
 * attribute; children may be nodes, strings or arrays of them.
 */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'className') e.className = v;
    else if (k === 'hidden' || k === 'disabled' || k === 'checked') e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children.flat());
  return e;
}

/** Is this page the one-view embed? Then a view's title is the page's h1. */
export const isEmbed = () => document.documentElement.dataset.app === 'embed';

/**
 * The host's width in css px, kept up to date by a ResizeObserver: reading
 * clientWidth inside update() would force a layout of the whole page on
 * every frame. A real change of width re-renders (app.refresh()).
 */
export function watchWidth(host, app) {
  const box = { width: 0 };
  if (globalThis.ResizeObserver) {
    new ResizeObserver((entries) => {
      const w = Math.round(entries[entries.length - 1].contentRect.width);
      if (w > 0 && Math.abs(w - box.width) >= 4) {
        box.width = w;
        app.refresh();
      }
    }).observe(host);
  }
  return box;
}

/** The level of a view's title: h1 when the view is the page (the one-view embed), else h4 under the lesson's h3. */
export const viewLevel = () => (isEmbed() ? 1 : 4);

/**
 * A table with its caption and column headings: { table, thead, tbody,
 * region }. `region` is the table inside a focusable, labelled scroll
 * region (what the view appends), so a keyboard user can scroll a table
 * wider than its column and a screen reader names it. columns: header
 * texts (or nodes); an empty list leaves thead for the view to fill.
 */
export function dataTable({ caption, columns = [], label, className, testid } = {}) {
  const thead = el('thead');
  if (columns.length) thead.append(el('tr', {}, columns.map((c) => (typeof c === 'string' ? el('th', { scope: 'col', text: c }) : c))));
  const tbody = el('tbody');
  const table = el('table', { className, 'data-testid': testid }, caption === undefined ? [] : [el('caption', { text: caption })], thead, tbody);
  return { table, thead, tbody, region: tableRegion(table, label ?? `${caption ?? 'Table'} (table)`) };
}

/**
 * `table` inside a focusable scroll region named `label` (the one way a
 * view shows a table that may be wider than its column). className adds
 * the view's own class to the region.
 */
export function tableRegion(table, label, className) {
  return el('div', { className: className ? `table-wrap ${className}` : 'table-wrap', role: 'region', tabindex: '0', 'aria-label': label }, table);
}
