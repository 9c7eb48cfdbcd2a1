/**
 * The engine's processor registry: one declaration per processor type of
 * the language. The mapped type makes the compiler refuse a processor type
 * in the model (grammar/src/model.ts) that has no engine declaration here.
 */
import type { ProcessorModel } from '../../../grammar/src/model.js';
import { compProcessor } from './comp.js';
import { eqProcessor } from './eq.js';
import { limitProcessor } from './limit.js';
import type { EngineProcessor } from './types.js';

export type { EngineProcessor, ProcessorInstance, ProcessorSpec } from './types.js';

type ProcessorType = ProcessorModel['type'];
type ModelOf<T extends ProcessorType> = Extract<ProcessorModel, { type: T }>;

export const ENGINE_PROCESSORS: { readonly [T in ProcessorType]: EngineProcessor<ModelOf<T>> } = {
  eq: eqProcessor,
  comp: compProcessor,
  limit: limitProcessor,
};

/** The declaration that renders `model`. */
export function engineProcessor<M extends ProcessorModel>(model: M): EngineProcessor<M> {
  return ENGINE_PROCESSORS[model.type] as unknown as EngineProcessor<M>;
}

/**
 * The channel whose signal this processor reads as its key while it runs, or
 * null (keyed by its own channel, or bypassed). grammar's `sidechainOf` says
 * what is written; this says what the engine must feed it.
 */
export function keyChannelOf(model: ProcessorModel): string | null {
  return engineProcessor(model).keyChannelOf(model);
}

/** Whether meters show this processor type's gain reduction. */
export function reportsGainReduction(type: ProcessorType): boolean {
  return ENGINE_PROCESSORS[type].reportsGainReduction;
}

/** Relative cost per frame and channel of a processor (see EngineProcessor.cost). */
export function processorCost(model: ProcessorModel): number {
  return engineProcessor(model).cost(model);
}
