/**
 * A .mix session on disk, for Node: the command line, the language server
 * and the extension host all stand on this, and never on each other.
 */
export { SessionError, type SessionErrorKind } from './errors.js';

// Files, and the facts about the audio they hold.
export type { DirEntry, FileHost, FileStat } from './host.js';
export { nodeFileHost } from './node-host.js';
export { documentFolder, resolveAudioPath } from './paths.js';
export { AudioFactStore } from './audio-facts.js';

// Reading and checking a mix file.
export { checkWithFacts, checkWithStore, readMixFile } from './load.js';

// WAV files.
export { WavFileProvider, WavFileReader } from './audio/wav-source.js';
export { unfinishedPath, WavFileWriter } from './audio/wav-writer.js';
export { FrameSpool } from './audio/spool.js';

// Rendering and measuring.
export { guardOutputs, renderMix, renderSummary, type RenderJob, type RenderOptions, type RenderProgress, type RenderResult } from './render.js';
export { prestartWorkers, stopSpareWorkers, threadCount } from './parallel.js';
export { clock, parseTimeArg } from './times.js';
export { meterWav } from './meter.js';

// Other versions of a file.
export { GitError, parseRevisionSpec, readAtRevision, repositoryRoot, type GitFailure, type RevisionSpec } from './git.js';
export { readMixVersion, type MixVersion } from './versions.js';
export { audioDiff, changedChannels, type AudioDiff, type AudioDiffOptions, type AudioSide, type ChannelLoudness, type NullTest } from './audio-diff.js';
export { loadPlotLibraries, makePlotFolder, PLOT_WIDTH, writeDiffPlots } from './plots.js';
