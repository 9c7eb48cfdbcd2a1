/**
 * The parts of AudioWorkletGlobalScope the processor uses (Web Audio API,
 * §1.32 "The AudioWorkletGlobalScope Interface"). TypeScript's DOM library
 * describes the page's side only, and the worklet must not see the DOM.
 */

interface WorkletMessagePort {
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
}

declare abstract class AudioWorkletProcessor {
  readonly port: WorkletMessagePort;
  constructor();
  /** Renders one render quantum; returning true keeps the processor alive. */
  abstract process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}

declare function registerProcessor(name: string, processorCtor: new () => AudioWorkletProcessor): void;

/** The context's sample rate. */
declare const sampleRate: number;
/** The frame of the render quantum being processed. */
declare const currentFrame: number;
