// assets/embed-host.js: the one script a host page adds so that iframes of
// embed.html take the height of their content (no fixed height that cuts a
// view off on a phone). embed.html posts
//   { type: 'tinytorch-wasm:size', version: 1, height, width }
// to its parent whenever its content changes size; this sets the height of
// the iframe the message came from. Matching the sender by its window (not
// its origin) works for sandboxed frames too, whose origin is "null".
// Usage: <script src=".../assets/embed-host.js" defer></script>

const MAX_HEIGHT = 20000; // css px: a bound on what a frame may ask for

addEventListener('message', (event) => {
  const d = event.data;
  if (!d || d.type !== 'tinytorch-wasm:size' || d.version !== 1) return;
  const height = Number(d.height);
  if (!Number.isFinite(height) || height <= 0) return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === event.source) {
      // the content box gets the height, whatever box-sizing the host's stylesheet uses
      const cs = getComputedStyle(frame);
      const extra = cs.boxSizing === 'border-box'
        ? ['borderTopWidth', 'borderBottomWidth', 'paddingTop', 'paddingBottom'].reduce((n, k) => n + (parseFloat(cs[k]) || 0), 0)
        : 0;
      frame.style.height = `${Math.min(Math.ceil(height), MAX_HEIGHT) + extra}px`;
      frame.dataset.ttHeight = String(Math.ceil(height));
    }
  }
});
