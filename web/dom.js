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
  return scrollRegion(table, label, className ? `table-wrap ${className}` : 'table-wrap');
}

/**
 * `child` inside a focusable, labelled region that scrolls sideways when
 * the child is wider than the view's column, and says so (scrollCue).
 */
export function scrollRegion(child, label, className) {
  return scrollCue(el('div', { className, role: 'region', tabindex: '0', 'aria-label': label }, child));
}

let cueObserver = null;
/** Set a scroll region's data-scrolls ("right", "both", "left") from its scroll position, or remove it when it fits. */
function updateCue(region) {
  const max = region.scrollWidth - region.clientWidth;
  const side = max <= 1 ? null : region.scrollLeft <= 1 ? 'right' : region.scrollLeft >= max - 1 ? 'left' : 'both';
  if (side === null) region.removeAttribute('data-scrolls');
  else if (region.dataset.scrolls !== side) region.dataset.scrolls = side;
}

/**
 * Make a scroll region say that it scrolls: while its content is wider
 * than it, data-scrolls="right|both|left" says where more is, and
 * style.css draws the cue (a "scroll →" line and an edge shadow). Kept up
 * to date by one shared ResizeObserver (the region and its first child)
 * and the region's scroll events. Returns the region. A view that builds
 * its own scroll region (a <pre>, a canvas box) calls this once.
 */
export function scrollCue(region) {
  if (!globalThis.ResizeObserver) return region;
  cueObserver ??= new ResizeObserver((entries) => {
    for (const e of entries) {
      const region = e.target.matches('[data-scroll-cue]') ? e.target : e.target.parentElement?.closest('[data-scroll-cue]');
      if (region) updateCue(region);
    }
  });
  if (region.hasAttribute('data-scroll-cue')) return region;
  region.setAttribute('data-scroll-cue', '');
  cueObserver.observe(region);
  if (region.firstElementChild) cueObserver.observe(region.firstElementChild);
  region.addEventListener('scroll', () => updateCue(region), { passive: true });
  return region;
}
