// Which views update on a render, and when the others catch up.
//
// A slider drag renders on every frame, and one frame is 16.7 ms at 60 Hz:
// the forward pass plus every view of the lesson does not fit in it (about
// 21 ms on the default network), though only the views on screen can be
// seen changing. So a render updates the views that are on screen (or near
// it: VISIBLE_MARGIN), and marks the others stale. A stale view is brought
// up to date when it scrolls into view, or once the page has been quiet for
// QUIET_MS (no render), in idle time, as many views per idle slice as fit;
// flush() brings every view up to date at once (app.settled(), which the
// browser tests wait on).
//
// The first render updates every view: the page opens complete, and the
// observer has not yet said what is on screen. Without IntersectionObserver
// (or for a page that is not displayed) every view counts as on screen.

const VISIBLE_MARGIN = '300px 0px';
const QUIET_MS = 250;

/**
 * createViewScheduler({ update(view), after() }) -> { add(view, host), render(), flush(), staleCount }
 * update(view): bring one view up to date with the current model.
 * after(): once after a batch of catch-up updates (labels, notices).
 */
export function createViewScheduler({ update, after }) {
  const views = []; // in mount order: catch-up keeps it
  const onScreen = new Map(); // view -> boolean (true until the observer says otherwise)
  const stale = new Set();
  const viewOfHost = new Map(); // the element the observer reports -> its view
  let rendered = false;
  let quietTimer = null;
  let idleHandle = null;

  const raf = globalThis.requestAnimationFrame?.bind(globalThis) ?? ((f) => setTimeout(f, 0));
  const idle = globalThis.requestIdleCallback?.bind(globalThis)
    ?? ((f) => setTimeout(() => f({ didTimeout: true, timeRemaining: () => 0 }), 0));
  const cancelIdle = globalThis.cancelIdleCallback?.bind(globalThis) ?? clearTimeout;

  const observer = typeof IntersectionObserver === 'function'
    ? new IntersectionObserver((entries) => {
      let wake = false;
      for (const e of entries) {
        const view = viewOfHost.get(e.target);
        if (!view) continue;
        onScreen.set(view, e.isIntersecting);
        if (e.isIntersecting && stale.has(view)) wake = true;
      }
      if (wake) raf(() => catchUp((v) => onScreen.get(v)));
    }, { rootMargin: VISIBLE_MARGIN })
    : null;

  function catchUp(which) {
    let did = false;
    for (const v of views) {
      if (stale.has(v) && which(v)) {
        stale.delete(v);
        update(v);
        did = true;
      }
    }
    if (did) after();
  }

  // Once quiet: stale views in idle slices, at least one per slice and more
// while the slice has 4 ms left.
  function idleCatchUp(deadline) {
    idleHandle = null;
    for (const v of views) {
      if (!stale.has(v)) continue;
      stale.delete(v);
      update(v);
      if (!deadline.didTimeout && deadline.timeRemaining() < 4) break;
    }
    after();
    if (stale.size) idleHandle = idle(idleCatchUp, { timeout: 1000 });
  }

  function whenQuiet() {
    clearTimeout(quietTimer);
    if (idleHandle !== null) { cancelIdle(idleHandle); idleHandle = null; }
    if (!stale.size) return;
    quietTimer = setTimeout(() => { quietTimer = null; idleHandle = idle(idleCatchUp, { timeout: 1000 }); }, QUIET_MS);
  }

  return {
    add(view, host) {
      views.push(view);
      onScreen.set(view, true);
      if (host && observer) {
        viewOfHost.set(host, view);
        observer.observe(host);
      }
      if (rendered) stale.add(view); // mounted after the first render (grouped <tt-view>s)
    },
    /** A new model: update the views on screen now, mark the rest stale. */
    render() {
      for (const v of views) {
        if (!rendered || onScreen.get(v) !== false) {
          stale.delete(v);
          update(v);
        } else {
          stale.add(v);
        }
      }
      rendered = true;
      whenQuiet();
    },
    /** Bring every stale view up to date now. */
    flush() {
      clearTimeout(quietTimer);
      catchUp(() => true);
    },
    /** How many views wait for a catch-up (for tests and the bench). */
    get staleCount() { return stale.size; },
  };
}
