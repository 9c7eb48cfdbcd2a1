/**
 * Offline rendering: drives a MixGraph over a span of the timeline, removes
 * the graph's latency, and hands the master output to a sink block by block
 * (the CLI writes it to a WAV file as it goes, so memory stays flat).
 */
import { MixGraph } from './graph.js';

export interface RenderSink {
  /** Planar master output: 2 channels, or 1 for `output mono`. */
  write(channels: readonly Float64Array[], frames: number): void;
}

export interface RenderSpan {
  /** First timeline frame of the output. */
  readonly start: number;
  /** Frames of output. */
  readonly frames: number;
  /**
   * Frames rendered (and discarded) before `start`, so compressors and
   * filters have settled when a span starts mid-song.
   */
  readonly preroll?: number;
}

export interface RenderProgress {
  (done: number, total: number): void;
}

/** Renders `span` of the graph's timeline into `sink`. */
export function renderSpan(graph: MixGraph, span: RenderSpan, sink: RenderSink, blockSize = 1024, progress?: RenderProgress): void {
  for (const _ of renderBlocks(graph, span, sink, blockSize, progress)) { /* all at once */ }
}

/**
 * The same, one block per step: a host that must stay responsive (to a
 * Ctrl-C, a cancel button) drives it and yields between steps.
 */
export function* renderBlocks(graph: MixGraph, span: RenderSpan, sink: RenderSink, blockSize = 1024, progress?: RenderProgress): Generator<void> {
  const channels = graph.model.output === 'mono' ? 1 : 2;
  const out = Array.from({ length: channels }, () => new Float64Array(blockSize));
  const preroll = Math.min(span.preroll ?? 0, span.start);
  // Graph position p yields timeline frame p - latency.
  let p = span.start - preroll;
  let skip = preroll + graph.latency;
  let written = 0;
  const blockAfter = (skipLeft: number, writtenSoFar: number) =>
    writtenSoFar >= span.frames ? 0 : Math.min(blockSize, skipLeft > 0 ? skipLeft : span.frames - writtenSoFar);
  let n = blockAfter(skip, written);
  while (n > 0) {
    const skipping = skip > 0;
    const nextSkip = skipping ? skip - n : 0;
    const nextWritten = skipping ? written : written + n;
    const next = blockAfter(nextSkip, nextWritten);
    graph.process(p, n, out, next);
    p += n;
    if (skipping) {
      skip = nextSkip;
    } else {
      sink.write(out, n);
      written = nextWritten;
      progress?.(written, span.frames);
    }
    n = next;
    yield;
  }
}
