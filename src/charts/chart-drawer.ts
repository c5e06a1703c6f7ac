import { Worker } from 'node:worker_threads';
import { CHART_RENDER_OPTIONS } from './reflection-chart.ts';

/** The thread ends after this long with nothing to draw: it holds a few MB and is quick to start again. */
const IDLE_MS = 5_000;

/**
 * Draws charts (SVG to PNG) one at a time on a thread of their own (chart-worker.mjs), for the many
 * weekly reflections prepared ahead of their slot: the event loop stays free for interactions, and
 * memory stays flat however many are drawn, because that thread gives back each chart's native
 * bitmap before drawing the next (see chart-worker.mjs). Only the PNG, about 30 KB, comes back.
 *
 * The thread starts with the first chart and ends after {@link IDLE_MS} with nothing to draw (or with
 * close()); it never keeps the process alive.
 */
export class ChartDrawer {
  private worker: Worker | undefined;
  private idle: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (png: Buffer) => void; reject: (error: Error) => void }>();

  draw(svg: string): Promise<Buffer> {
    clearTimeout(this.idle);
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, svg });
    });
  }

  /** Ends the thread (charts still waiting fail); the next draw starts a new one. */
  async close(): Promise<void> {
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the chart drawer was closed'));
    if (worker) await worker.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./chart-worker.mjs', import.meta.url), { workerData: { options: CHART_RENDER_OPTIONS } });
    worker.unref();
    worker.on('message', (message: { id: number; png?: Uint8Array; error?: string }) => {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.png) waiter?.resolve(Buffer.from(message.png.buffer, message.png.byteOffset, message.png.byteLength));
      else waiter?.reject(new Error(`drawing a chart failed: ${message.error}`));
      if (this.waiting.size === 0) this.idle = setTimeout(() => void this.close(), IDLE_MS).unref();
    });
    // A thread that dies takes its charts with it; the next draw starts a fresh one. (One closed on
    // purpose is no longer this.worker, and its end must not fail the charts of the next.)
    const lost = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(error);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the chart drawer's thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
