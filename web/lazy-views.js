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
// browser tests wait on). While the page is busy (busy(): training runs,
// and renders once an epoch) the idle catch-up waits: it took about 10 % of
// the default MNIST run in Chromium, for views nobody was looking at, which
// still catch up when they scroll into view.
//
// A view that says `always: true` (the quiz, which decides what the others
// may show) is updated on every render, on screen or not.
//
// A view can also postpone its own heavy work until the page is quiet
// (later(key, fn)): the init lab's backward passes and its deepest forward
// run. The latest fn per key runs once quiet (one per idle slice), or on
// flush().
//
// The first render updates the views down to the fold (VISIBLE_PX below
// the viewport; they are laid out in page order, each after the views
// above it have content), so the page shows sooner; the rest catch up as
// above. Without IntersectionObserver every view counts as on screen.

const VISIBLE_PX = 300;
const VISIBLE_MARGIN = `${VISIBLE_PX}px 0px`;
const QUIET_MS = 250;

/**
 * createViewScheduler({ update(view), after(), busy() }) -> { add(view, host), render(), later(key, fn), flush(), staleCount }
 * update(view): bring one view up to date with the current model.
 * after(): once after a batch of catch-up updates (labels, notices).
 * busy(): whether long work runs on the page's thread (no idle catch-up meanwhile).
 */
export function createViewScheduler({ update, after, busy = () => false }) {
  const views = []; // in mount order: catch-up keeps it
  const onScreen = new Map(); // view -> boolean (true until the observer says otherwise)
  const stale = new Set();
  const postponed = new Map(); // key -> the latest fn a view postponed
  const viewOfHost = new Map(); // the element the observer reports -> its view
  const hostOf = new Map();
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
      if (wake) raf(catchUpOnScreen);
    }, { rootMargin: VISIBLE_MARGIN })
    : null;

  // the stale views the observer now reports on screen
  function catchUpOnScreen() {
    let did = false;
    for (const v of views) {
      if (stale.has(v) && onScreen.get(v)) {
        stale.delete(v);
        update(v);
        did = true;
      }
    }
    if (did) after();
  }

  // The first render, before the observer has reported: a view whose top
  // is more than the margin below the viewport, once the views before it
  // have content (they are updated in page order), waits.
  function belowTheFold(view) {
    const host = hostOf.get(view);
    if (!host || !observer || !globalThis.innerHeight) return false;
    return host.getBoundingClientRect().top > globalThis.innerHeight + VISIBLE_PX;
  }

  function runPostponed() {
    const fns = [...postponed.values()];
    postponed.clear();
    for (const fn of fns) fn();
  }

  // The oldest piece of postponed work (Map keeps insertion order).
  function runOnePostponed() {
    const [key, fn] = postponed.entries().next().value;
    postponed.delete(key);
    fn();
  }

  // Once quiet: one piece of postponed work per idle slice (two pieces of
  // the init lab in one slice made a 185 ms task), then stale views, at
  // least one per slice and more while the slice has 4 ms left.
  function idleCatchUp(deadline) {
    idleHandle = null;
    if (busy()) {
      whenQuiet();
      return;
    }
    const tight = () => !deadline.didTimeout && deadline.timeRemaining() < 4;
    if (postponed.size) runOnePostponed();
    if (!tight()) {
      for (const v of views) {
        if (!stale.has(v)) continue;
        stale.delete(v);
        update(v);
        if (tight()) break;
      }
    }
    after();
    if (stale.size || postponed.size) idleHandle = idle(idleCatchUp, { timeout: 1000 });
  }

  function whenQuiet() {
    clearTimeout(quietTimer);
    if (idleHandle !== null) { cancelIdle(idleHandle); idleHandle = null; }
    if (!stale.size && !postponed.size) return;
    quietTimer = setTimeout(() => {
      quietTimer = null;
      if (busy()) whenQuiet(); // still busy: look again later
      else idleHandle = idle(idleCatchUp, { timeout: 1000 });
    }, QUIET_MS);
  }

  return {
    add(view, host) {
      views.push(view);
      onScreen.set(view, true);
      if (host && observer) {
        viewOfHost.set(host, view);
        hostOf.set(view, host);
        observer.observe(host);
      }
      if (rendered) stale.add(view); // mounted after the first render (grouped <tt-view>s)
    },
    /** A new model: update the views on screen now, mark the rest stale. */
    render() {
      for (const v of views) {
        if (v.always || (!rendered ? !belowTheFold(v) : onScreen.get(v) !== false)) {
          stale.delete(v);
          update(v);
        } else {
          stale.add(v);
        }
      }
      rendered = true;
      whenQuiet();
    },
    /** Run `fn` once the page is quiet (or on flush()); a later fn with the same key replaces it. */
    later(key, fn) {
      postponed.set(key, fn);
      whenQuiet();
    },
    /** Run the postponed work and bring every stale view up to date, now. */
    flush() {
      clearTimeout(quietTimer);
      // a view brought up to date may postpone work of its own, and postponed
      // work may go on in steps (the init lab: one initialiser per step):
      // rounds until none is left (bounded, against a view that never stops)
      for (let round = 0; round < 32 && (postponed.size || stale.size); round++) {
        runPostponed();
        for (const v of views) {
          if (stale.delete(v)) update(v);
        }
      }
      after();
    },
    /** Stop observing and drop every pending piece of work (the app's dispose()). */
    dispose() {
      clearTimeout(quietTimer);
      if (idleHandle !== null) { cancelIdle(idleHandle); idleHandle = null; }
      observer?.disconnect();
      views.length = 0;
      stale.clear();
      postponed.clear();
    },
    /** How many views wait for a catch-up, and pieces of postponed work (for tests and the bench). */
    get staleCount() { return stale.size + postponed.size; },
  };
}
