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
