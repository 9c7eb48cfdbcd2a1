/**
 * The DSP engine's one entry point. Everything outside engine/ (the CLI, the
 * session layer, the language server, the webview and its AudioWorklet, the
 * tests) imports from here, so the engine's inner layout can change freely.
 * Pure TypeScript: no Node, DOM or vscode imports anywhere below.
 */
export * from './wav.js';
export * from './wav-encode.js';
export * from './dsp/biquad.js';
export * from './dsp/compressor.js';
export * from './dsp/eq-curve.js';
export * from './dsp/limiter.js';
export * from './dsp/pan.js';
export * from './dsp/resampler.js';
export * from './dsp/true-peak.js';
export * from './meter/channel-meters.js';
export * from './meter/loudness.js';
export * from './render/fades.js';
export * from './render/graph.js';
export * from './render/master.js';
export * from './render/offline.js';
export * from './render/sources.js';
export * from './render/state.js';
export * from './render/strip.js';
export * from './render/target.js';
export * from './processors/index.js';
export { Lane } from './render/automation.js';
export { writtenValue } from './render/strip-automation.js';
