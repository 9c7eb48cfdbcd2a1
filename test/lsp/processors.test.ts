/**
 * Completion and hover of processor parameters come from the processor
 * registry (grammar/src/processors/), over a real connection. The tests loop
 * over the registry, so a newly registered processor is covered at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver';
import { declarationsOf, PROCESSOR_LIST, SYNTAX_WORDS, unitsOf, type ParamDecl, type ProcessorDecl } from '../../grammar/src/index.js';
import { TestConnection } from './connection.js';

let c: TestConnection;
beforeAll(async () => {
  c = await TestConnection.start();
});
afterAll(() => c.dispose());

const params = (p: ProcessorDecl) => p.params as readonly ParamDecl[];
const inBlock = (type: string, body: string) => `track vox {\n  file "v.wav"\n  ${type} {\n    ${body}\n  }\n}\ntrack kick {\n  file "k.wav"\n}\n`;
/** The declaration hover and completion describe a keyword by (a shared keyword is described by its first). */
const described = (keyword: string) => declarationsOf(keyword)[0]!.param;

describe('completion in a processor block', () => {
  it.each(PROCESSOR_LIST.map((p) => [p.type, p] as const))('%s: offers its declared parameters (and bypass), each with its docs and snippet', async (type, p) => {
    const items = await c.expectCompletion(inBlock(type, '<|>'), { includes: [...params(p).map((x) => x.keyword), 'bypass'] });
    const own = new Set(params(p).map((x) => x.keyword));
    for (const other of PROCESSOR_LIST.flatMap((x) => params(x).map((y) => y.keyword))) {
      if (!own.has(other)) expect(items.map((i) => i.label), `${other} in ${type}`).not.toContain(other);
    }
    for (const param of params(p)) {
      const item = items.find((i) => i.label === param.keyword)!;
      expect(item.detail).toBe(described(param.keyword).usage);
      expect(JSON.stringify(item.documentation)).toContain(JSON.stringify(described(param.keyword).summary).slice(1, -1));
      expect(item.insertTextFormat).toBe(InsertTextFormat.Snippet);
      expect(item.insertText!.startsWith(`${param.keyword} `)).toBe(true);
    }
  });

  it.each(PROCESSOR_LIST.filter((p) => p.params.length > 0).map((p) => [p.type, p] as const))('%s: a parameter once written is not offered again', async (type, p) => {
    for (const param of params(p)) {
      await c.expectCompletion(inBlock(type, `${param.example}\n    <|>`), { excludes: [param.keyword] });
    }
  });

  it.each(PROCESSOR_LIST.filter((p) => p.params.length > 0).map((p) => [p.type, p] as const))('%s: after a parameter\'s number, the units of its kind', async (type, p) => {
    for (const param of params(p).filter((x) => x.syntax === 'quantity')) {
      const { items } = await c.completion(inBlock(type, `${param.keyword} 5<|>`));
      const units = items.filter((i) => i.kind === CompletionItemKind.Unit).map((i) => i.label).sort();
      expect(units, param.keyword).toEqual(unitsOf(param.kind!).sort());
    }
  });

  it.each(PROCESSOR_LIST.filter((p) => p.params.length > 0).map((p) => [p.type, p] as const))('%s: after a parameter\'s keyword, only the words its syntax allows', async (type, p) => {
    for (const param of params(p).filter((x) => x.syntax !== 'channel')) {
      const { items } = await c.completion(inBlock(type, `${param.keyword} <|>`));
      const keywords = items.filter((i) => i.kind === CompletionItemKind.Keyword).map((i) => i.label).sort();
      expect(keywords, param.keyword).toEqual([...SYNTAX_WORDS[param.syntax]].sort());
    }
  });
});

describe('hover over a processor word', () => {
  it.each(PROCESSOR_LIST.map((p) => [p.type, p] as const))('%s: the block keyword and each parameter show their declared usage and summary', async (type, p) => {
    const block = await c.expectHover(`track vox {\n  file "v.wav"\n  <|>${type} { }\n}\n`, `\`${p.usage}\``);
    expect(block).toContain(p.summary);
    for (const param of params(p)) {
      const d = described(param.keyword);
      const text = await c.expectHover(inBlock(type, `<|>${param.example}`), `\`${d.usage}\``);
      expect(text).toContain(d.summary);
      if (param.syntax !== 'channel') expect(text).toContain('**Range:**');
      expect(text).toContain('**Default:**');
    }
  });
});
