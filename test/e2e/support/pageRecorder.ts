import type { BrowserContext, Page } from 'playwright-core';
import { streamEventNames } from '../../../apps/web/src/jobs/streamEvents.ts';

/**
 * What a page did, with `performance.now()` times, recorded from inside the page by an init
 * script that runs before the app: BlurHash canvases drawn, images and media loaded, every
 * message each EventSource received, and each progress bar's values as they were rendered.
 * `where` is the prompt of the job card or gallery tile the element sits in.
 */
export interface PageRecord {
  draws: { t: number; where: string | null }[];
  loads: { t: number; tag: string; type: string; where: string | null; src: string }[];
  sse: { t: number; url: string; type: string; id: string; data: string }[];
  opens: { t: number; url: string }[];
  percents: { t: number; where: string | null; value: number }[];
}

declare global {
  interface Window {
    __record: PageRecord;
  }
}

/** Runs in the page, before any of its scripts. Self-contained: Playwright sends its source. */
function recorder(streamEvents: readonly string[]): void {
  const record: PageRecord = { draws: [], loads: [], sse: [], opens: [], percents: [] };
  window.__record = record;
  const whereOf = (node: Element | null): string | null =>
    node?.closest('article, .tile, .asset-dialog')?.querySelector('.job-prompt, .tile-prompt, h2')?.textContent ?? null;

  const putImageData = CanvasRenderingContext2D.prototype.putImageData;
  CanvasRenderingContext2D.prototype.putImageData = function (this: CanvasRenderingContext2D, ...args: unknown[]) {
    (putImageData as (...a: unknown[]) => void).apply(this, args);
    if (this.canvas.classList.contains('blurhash')) record.draws.push({ t: performance.now(), where: whereOf(this.canvas) });
  } as typeof putImageData;

  // load, loadeddata and the rest do not bubble, but a capturing listener on the document sees them.
  for (const type of ['load', 'loadedmetadata', 'loadeddata', 'canplay', 'playing']) {
    document.addEventListener(
      type,
      (event) => {
        const target = event.target as HTMLImageElement | HTMLMediaElement;
        if (!(target instanceof HTMLImageElement || target instanceof HTMLMediaElement)) return;
        record.loads.push({ t: performance.now(), tag: target.tagName.toLowerCase(), type, where: whereOf(target), src: target.currentSrc || target.src });
      },
      true,
    );
  }

  const Native = window.EventSource;
  class RecordingEventSource extends Native {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      const href = String(url);
      this.addEventListener('open', () => record.opens.push({ t: performance.now(), url: href }));
      for (const type of streamEvents) {
        this.addEventListener(type, (event) => {
          if (!(event instanceof MessageEvent)) return; // the connection's own error
          record.sse.push({ t: performance.now(), url: href, type, id: event.lastEventId, data: String(event.data) });
        });
      }
    }
  }
  window.EventSource = RecordingEventSource;

  // Every value a progress bar showed, in order (React may skip values it never painted).
  const seen = new WeakMap<Element, number>();
  const watch = () => {
    for (const bar of document.querySelectorAll('[role=progressbar]')) {
      const value = Number(bar.getAttribute('aria-valuenow'));
      if (seen.get(bar) === value) continue;
      seen.set(bar, value);
      record.percents.push({ t: performance.now(), where: whereOf(bar), value });
    }
  };
  new MutationObserver(watch).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
}

/** Record every page the context opens from now on. */
export async function recordPages(context: BrowserContext): Promise<void> {
  await context.addInitScript(recorder, streamEventNames);
}

export const pageRecord = (page: Page): Promise<PageRecord> => page.evaluate(() => window.__record);
