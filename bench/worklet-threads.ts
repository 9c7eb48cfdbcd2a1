/**
 * Can the preview's engine use more than one core? Measures, in Chromium,
 * what a second thread would have to live with:
 * - whether the page may share memory with a worker (SharedArrayBuffer
 *   needs a cross-origin isolated page; a VS Code webview is not one);
 * - without it, how long a block takes to go from the AudioWorklet to a
 *   worker and back through a MessagePort (a 128-frame stereo block of
 *   64-bit floats, transferred, each render quantum), counted in render
 *   quanta: a worker rendering channels for the audio thread must work
 *   that many quanta ahead, and every edit is heard that much later.
 * It runs while the page is otherwise idle, then while it also reads 30 MB
 * a second through fetch (the work of streaming a hundred files).
 *
 *   npm run bench:threads
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, launchChromium } from '../test/browser/prepare.js';
import { serve } from '../test/browser/server.js';

const SECONDS = 10;

/** The worklet: posts a block each quantum, and counts the quanta until each comes back. */
const WORKLET = `
class Exchange extends AudioWorkletProcessor {
  constructor() {
    super();
    this.quantum = 0;
    this.sent = new Map();
    this.delays = [];
    this.late = 0;
    this.worker = null;
    this.port.onmessage = (e) => {
      if (e.data === 'report') { this.port.postMessage({ delays: this.delays, lost: this.sent.size }); this.delays = []; this.sent.clear(); return; }
      this.worker = e.data;
      this.worker.onmessage = (m) => {
        const block = m.data;
        const at = this.sent.get(block[0]);
        if (at !== undefined) { this.delays.push(this.quantum - at); this.sent.delete(block[0]); }
      };
    };
  }
  process(inputs, outputs) {
    this.quantum++;
    if (this.worker) {
      const block = new Float64Array(256);
      block[0] = this.quantum;
      this.sent.set(this.quantum, this.quantum);
      this.worker.postMessage(block, [block.buffer]);
    }
    return true;
  }
}
registerProcessor('exchange', Exchange);
`;

/** The worker: sends each block straight back (rendering it would only add to the time). */
const WORKER = `onmessage = (e) => { const port = e.data; port.onmessage = (m) => port.postMessage(m.data, [m.data.buffer]); };`;

const PAGE = `<!DOCTYPE html><meta charset="utf-8"><body><script type="module">
const url = (code) => URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
window.start = async () => {
  const context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
  await context.audioWorklet.addModule(url(${JSON.stringify(WORKLET)}));
  const node = new AudioWorkletNode(context, 'exchange', { numberOfOutputs: 1 });
  node.connect(context.destination);
  const worker = new Worker(url(${JSON.stringify(WORKER)}));
  const channel = new MessageChannel();
  worker.postMessage(channel.port1, [channel.port1]);
  node.port.postMessage(channel.port2, [channel.port2]);
  await context.resume();
  window.report = () => new Promise((done) => { node.port.onmessage = (e) => done(e.data); node.port.postMessage('report'); });
  return { crossOriginIsolated: window.crossOriginIsolated, sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined', baseLatency: context.baseLatency };
};
window.load = (seconds) => {
  // Streaming's work on the page's thread: 1 MB ranges of a large file, six at a time, for the time given.
  const until = performance.now() + seconds * 1000;
  let bytes = 0;
  const one = async () => {
    while (performance.now() < until) {
      const from = Math.floor(Math.random() * 60) * 2 ** 20;
      const r = await fetch('/data/big.bin', { headers: { Range: 'bytes=' + from + '-' + (from + 2 ** 20 - 1) } });
      bytes += (await r.arrayBuffer()).byteLength;
    }
  };
  return Promise.all([one(), one(), one(), one(), one(), one()]).then(() => bytes / seconds / 2 ** 20);
};
</script>`;

function summary(label: string, delays: number[], lost: number): string {
  const sorted = [...delays].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const within = (k: number) => ((100 * sorted.filter((d) => d <= k).length) / sorted.length).toFixed(2);
  return `${label}: ${sorted.length} blocks; back after p50 ${q(0.5)}, p99 ${q(0.99)}, p99.9 ${q(0.999)}, max ${sorted.at(-1)} quanta `
    + `(within 1 quantum: ${within(1)}%, within 2: ${within(2)}%, within 4: ${within(4)}%)${lost > 0 ? `; ${lost} still out at the end` : ''}`;
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (Debian: apt-get install chromium)`);
  const dir = join(tmpdir(), 'mixdown-bench-threads');
  mkdirSync(join(dir, 'page'), { recursive: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'page', 'index.html'), PAGE);
  if (!existsSync(join(dir, 'data', 'big.bin'))) writeFileSync(join(dir, 'data', 'big.bin'), Buffer.alloc(64 * 2 ** 20, 1));
  const server = await serve({ '/page/': join(dir, 'page'), '/data/': join(dir, 'data') });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/page/index.html`);
    await page.waitForFunction(() => 'start' in window);
    const info = await page.evaluate(() => (window as unknown as { start(): Promise<Record<string, unknown>> }).start());
    console.log(`page: crossOriginIsolated ${info['crossOriginIsolated']}, SharedArrayBuffer ${info['sharedArrayBuffer'] ? 'available' : 'not available'}; a render quantum is 128 frames, 2.67 ms at 48 kHz`);
    const report = () => page.evaluate(() => (window as unknown as { report(): Promise<{ delays: number[]; lost: number }> }).report());
    await page.waitForTimeout(1000);
    await report();
    await page.waitForTimeout(SECONDS * 1000);
    const idle = await report();
    console.log(summary('AudioWorklet -> worker -> AudioWorklet, page idle', idle.delays, idle.lost));
    const rate = await page.evaluate((s) => (window as unknown as { load(s: number): Promise<number> }).load(s), SECONDS);
    const busy = await report();
    console.log(summary(`the same while the page reads ${rate.toFixed(0)} MB/s through fetch`, busy.delays, busy.lost));
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:threads: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
