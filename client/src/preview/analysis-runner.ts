/**
 * Runs the analysis worker (analysis-worker.ts) for one preview or one
 * render. A new job replaces the running one: the worker is terminated
 * (its render stops at once) and a fresh one started, which is cheaper and
 * surer than teaching every loop of the renderer to look for a cancel flag.
 */
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './analysis-protocol.js';

export class AnalysisRunner {
  private worker: Worker | null = null;

  constructor(private readonly script: string, private readonly onMessage: (m: FromWorker) => void) {}

  start(job: ToWorker): void {
    void this.stop();
    const worker = new Worker(this.script);
    this.worker = worker;
    worker.on('message', (m: FromWorker) => {
      if (this.worker === worker) this.onMessage(m);
    });
    worker.on('error', (err) => {
      if (this.worker === worker) this.onMessage({ type: 'failed', generation: job.type === 'analyse' ? job.generation : null, message: err.message });
    });
    worker.postMessage(job);
  }

  /** Stops the running job; resolves once its thread has ended. */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
