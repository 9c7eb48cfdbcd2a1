/**
 * Processor blocks to their models, for every processor alike: which words
 * belong in which block, once-only settings and `bypass` are worked out here
 * from the registry; each declaration converts its own values (processors/).
 */
import type * as ast from '../ast.js';
import type { BandModel, ProcessorModel } from '../model.js';
import { ownersOf, paramOf, PROCESSOR_LIST, PROCESSORS, type ParamDecl, type ProcessorDecl } from '../processors/index.js';
import type { AnalysisContext } from './context.js';

type Span = ast.Span;

/** The processor whose blocks hold bands. */
const BAND_OWNER = PROCESSOR_LIST.find((p) => p.bands)?.type ?? 'eq';

/**
 * Names a processor or band of one channel: the accepted name, or undefined
 * when it has none or it was refused (a duplicate, a keyword; reported).
 */
export type PartNamer = (ref: ast.NameRef | null, kind: 'processor' | 'band', span: Span) => string | undefined;

export function processorModel(ctx: AnalysisContext, p: ast.ProcessorStatement, namePart: PartNamer): { model: ProcessorModel; spans: [string, Span][] } {
  const name = namePart(p.name, 'processor', p.span);
  const decl = PROCESSORS[p.processor] as ProcessorDecl;
  const spans: [string, Span][] = [];
  const seen = new Map<string, ast.EqItem | ast.DynamicsItem>();
  const bands: BandModel[] = [];
  const settings: Record<string, unknown> = {};
  let bypass = false;

  for (const item of p.body) {
    if (item.kind === 'flag') {
      if (ctx.firstOfItsKind(seen, 'bypass', item)) bypass = true;
      continue;
    }
    if (item.kind === 'band') {
      if (!decl.bands) {
        ctx.notAllowedHere(item, `'${item.keyword}' is an ${BAND_OWNER} band; put it in an ${BAND_OWNER} block`);
        continue;
      }
      spans.push([`band:${bands.length}`, item.span]);
      const band = decl.bands.convert(item, ctx);
      const bandName = namePart(item.name, 'band', item.span);
      bands.push(bandName === undefined ? band : { ...band, name: bandName });
      continue;
    }
    const word = item.keyword;
    const param = paramOf(decl.type, word);
    if (!param) {
      ctx.notAllowedHere(item, misplaced(decl, word));
      continue;
    }
    if (!ctx.firstOfItsKind(seen, word, item)) continue;
    spans.push([word, item.span]);
    Object.assign(settings, setting(ctx, param, item));
  }
  const model = decl.model({ bypass, settings, bands });
  return { model: name === undefined ? model : { ...model, name }, spans };
}

/** The model fields one written parameter sets; nothing when it is wrong (its default stands). */
function setting(ctx: AnalysisContext, param: ParamDecl, item: ast.ParamStatement | ast.SidechainStatement): Record<string, unknown> {
  if (item.kind === 'sidechain') {
    // Accepted here, resolved by routing (the key must be a channel, and no cycle).
    ctx.acceptedRoutes.add(item);
    return item.target.name ? { [param.field]: item.target.name } : {};
  }
  if (param.convert) return param.convert(item, ctx);
  const { min, max } = param.range!;
  return { [param.field]: ctx.ranged(item.value, param.kind!, min, max, param.keyword, param.default!) };
}

/** "'ceiling' is a limit setting, not a comp setting": from which processor declares the word. */
function misplaced(decl: ProcessorDecl, word: string): string {
  const owner = ownersOf(word)[0];
  const whose = owner ? `is a ${owner} setting` : 'belongs to another processor';
  if (decl.bands) return `'${word}' ${whose}, not an ${decl.type} band`;
  if (decl.misplaced === 'name-owner') return `'${word}' ${whose}, not a ${decl.type} setting`;
  const own = decl.params.map((x) => x.keyword);
  const list = own.length > 1 ? `${own.slice(0, -1).join(', ')} and ${own.at(-1)}` : own.join('');
  return `'${word}' ${whose}; a ${decl.type} takes ${list}`;
}
