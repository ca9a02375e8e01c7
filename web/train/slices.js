// Long work on the page's own thread, in slices: the training session
// (web/train/controller.js) and the break-it experiments
// (web/views/breakit/) run many small units of work without a worker
// (file:// pages and sandboxed iframes may not start one) and without
// freezing the page.
//
// Each slice is a task of its own, posted through a MessageChannel, so
// slices follow each other back to back between the browser's input events
// and frames: an input waits for one slice at most (SLICE_MS). One slice per
// animation frame would idle the rest of every frame (the default MNIST run
// took 64 s in Chromium that way), and setTimeout(0) is clamped to 4 ms
// once nested. The views hear of the progress on an animation frame at most
// every PROGRESS_EVERY_MS: every frame that changes the page's text costs
// the browser a style, layout and paint of the whole page (told on every
// frame, the default MNIST run on index.html took 35.0 s in Chromium, 17.7 s
// of it training; told every 100 ms, 13.0 s with 11.3 s training;
// 2026-12-08, Intel Xeon, 2 vCPUs, a loaded machine).

/** Milliseconds of work per slice (one task: the longest an input event waits for it). */
export const SLICE_MS = 10;
/** While work runs, its progress is shown at most this often (ms). */
export const PROGRESS_EVERY_MS = 100;

export class SliceLoop {
  #channel = null;
  #posted = false;
  #progressPending = false;
  #progressAt = -Infinity;

  /**
   * slice(): run one slice of work (the caller decides whether to post()
   * the next); progress(): tell the views (progressSoon()).
   */
  constructor(slice, progress = () => {}) {
    this.slice = slice;
    this.progress = progress;
  }

  /** Run slice() soon, as a task of its own (once, however often this is called before it runs). */
  post() {
    if (this.#posted) return;
    this.#posted = true;
    if (typeof MessageChannel !== 'function') {
      setTimeout(() => this.#run(), 0);
      return;
    }
    if (!this.#channel) {
      this.#channel = new MessageChannel();
      this.#channel.port1.onmessage = () => this.#run();
    }
    this.#channel.port2.postMessage(null);
  }

  #run() {
    this.#posted = false;
    this.slice();
  }

  /** Call progress() on an animation frame, at most every PROGRESS_EVERY_MS. */
  progressSoon() {
    if (this.#progressPending) return;
    this.#progressPending = true;
    const raf = globalThis.requestAnimationFrame ?? ((f) => setTimeout(f, 16));
    const wait = Math.max(0, PROGRESS_EVERY_MS - (performance.now() - this.#progressAt));
    setTimeout(() => raf(() => {
      this.#progressPending = false;
      this.#progressAt = performance.now();
      this.progress();
    }), wait);
  }

  /** Stop: a slice posted and not run yet is dropped; post() starts again. */
  close() {
    this.#posted = false;
    if (!this.#channel) return;
    this.#channel.port1.onmessage = null;
    this.#channel.port1.close();
    this.#channel.port2.close();
    this.#channel = null;
  }
}
