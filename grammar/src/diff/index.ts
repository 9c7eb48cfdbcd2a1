/** The semantic diff of two mixes (see diff-models.ts), and its text and markdown forms. */
export { channelOfChange, renamedChannels, type ChangeOp, type MixChange } from './changes.js';
export { bandText, diffModels, processorText } from './diff-models.js';
export { changeLine, formatChangesMarkdown, formatChangesText } from './format.js';
export { showClock, showTime } from './show.js';
