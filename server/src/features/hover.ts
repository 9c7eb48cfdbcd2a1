/**
 * Hover: what a keyword means (unit, range, default); for a channel, its
 * routing and its source files' length, rate, channels and peak; for a
 * named processor or band, where it is and its settings; for a bar time or
 * a marker, the clock time.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import {
  bandText, barSeconds, durationOf, forEachTime, KEYWORD_DOCS, processorText, tokens as T, type AudioFact, type ChannelModel, type Keyword, type MixSymbol,
  type ProcessorModel,
} from '../../../grammar/src/index.js';
import type { DocState } from '../documents.js';
import { docMarkdown } from './completion.js';
import { clockTime } from './inlay-hints.js';
import { symbolAt } from './navigation.js';
import { endOf, firstTokenFrom, tokenAt } from './tokens-at.js';

export interface AudioInfoSource {
  fact(folder: string, path: string): AudioFact | undefined;
  peakDbfs(folder: string, path: string): Promise<number | null>;
}

export async function hover(doc: DocState, position: Position, audio: AudioInfoSource): Promise<Hover | null> {
  const offset = doc.lines.offset(position);
  const hit = symbolAt(doc, offset);
  if (hit) {
    return { contents: { kind: MarkupKind.Markdown, value: await symbolMarkdown(doc, hit.symbol, audio) }, range: doc.lines.range(hit.span) };
  }
  const token = tokenAt(doc.checked.tokens, offset);
  if (!token) return null;
  const range = doc.lines.range({ start: token.startOffset, end: endOf(token) });
  if (token.tokenType.name.startsWith('Kw_')) {
    const d = KEYWORD_DOCS[token.image as Keyword];
    if (token.image === 'bar') {
      const hit = barTimeAt(doc, token.startOffset);
      if (hit) return { contents: { kind: MarkupKind.Markdown, value: `\`${hit.text}\` = **${clockTime(hit.seconds)}** (${hit.seconds.toFixed(3)} s)` }, range };
    }
    if (d) return { contents: { kind: MarkupKind.Markdown, value: `\`${d.syntax}\`\n\n${docMarkdown(d)}` }, range };
  }
  if (token.tokenType === T.StringLit && doc.folder) {
    const i = firstTokenFrom(doc.checked.tokens, token.startOffset);
    const before = doc.checked.tokens[i - 1]?.image;
    if (before === 'file' || before === 'clip' || doc.checked.tokens[i - 2]?.image === 'reference') {
      const path = token.image.slice(1, -1).replace(/\\(["\\])/g, '$1');
      return { contents: { kind: MarkupKind.Markdown, value: await fileMarkdown(doc.folder, path, audio) }, range };
    }
  }
  return null;
}

/** The `bar N [beat B]` time starting at `offset`, as written and in seconds (needs a tempo). */
function barTimeAt(doc: DocState, offset: number): { text: string; seconds: number } | null {
  const { tempo, meter } = doc.checked.model;
  if (tempo === null) return null;
  let hit: { text: string; seconds: number } | null = null;
  forEachTime(doc.checked.document, (t) => {
    if (t.kind !== 'bar' || t.span.start !== offset || Number.isNaN(t.bar.value)) return;
    const beat = t.beat && !Number.isNaN(t.beat.value) ? t.beat.value : 1;
    hit = { text: doc.text.slice(t.span.start, t.span.end), seconds: barSeconds(t.bar.value, beat, tempo, meter.beats) };
  });
  return hit;
}

async function symbolMarkdown(doc: DocState, symbol: MixSymbol, audio: AudioInfoSource): Promise<string> {
  const model = doc.checked.model;
  if (symbol.kind === 'marker') {
    const m = model.markers.find((x) => x.name === symbol.name);
    return `**marker ${symbol.name}**` + (m ? ` at ${clockTime(m.time)}` + (model.tempo ? ` (bar ${barOf(m.time, model.tempo, model.meter.beats)})` : '') : '');
  }
  if (symbol.kind === 'reference') {
    const r = model.references.find((x) => x.name === symbol.name);
    const head = `**reference ${symbol.name}**: for A/B in the preview, never mixed in`;
    return r && doc.folder ? `${head}\n\n${await fileMarkdown(doc.folder, r.path, audio)}` : head;
  }
  if (symbol.kind === 'processor' || symbol.kind === 'band') return partMarkdown(doc, symbol);
  const c = model.channels.find((x) => x.name === symbol.name);
  if (!c) return `**${symbol.kind} ${symbol.name}**`;
  const title = c.kind === 'master' ? '**master**' : `**${c.kind} ${c.name}**`;
  const lines = [`${title}${c.label ? ` — ${c.label}` : ''}`];
  lines.push(routing(c, model.channels));
  if (c.inserts.length > 0) lines.push(`Inserts: ${c.inserts.map((p) => insertLabel(p)).join(' → ')}`);
  if (c.kind === 'track' && doc.folder) {
    const unique = [...new Set(c.clips.map((x) => x.path))];
    for (const path of unique) lines.push(await fileMarkdown(doc.folder, path, audio));
  }
  return lines.join('\n\n');
}

/** `comp glue`, struck through when bypassed. */
function insertLabel(p: ProcessorModel): string {
  const label = p.name ? `${p.type} ${p.name}` : p.type;
  return p.bypass ? `~~${label}~~` : label;
}

/** A named processor or EQ band: where it is in its channel, and its settings as they read. */
function partMarkdown(doc: DocState, symbol: MixSymbol): string {
  const c = doc.checked.model.channels.find((x) => x.name === symbol.channel);
  const where = !c ? symbol.channel ?? '' : c.kind === 'master' ? 'master' : `${c.kind} ${c.name}`;
  if (symbol.kind === 'processor') {
    const index = c?.inserts.findIndex((p) => p.name === symbol.name) ?? -1;
    const p = index >= 0 ? c!.inserts[index]! : null;
    if (!p) return `**processor ${symbol.name}** in ${where}`;
    return [
      `**${p.type} ${symbol.name}** in ${where}, insert ${index + 1} of ${c!.inserts.length}${p.bypass ? ' (bypassed)' : ''}`,
      `\`${processorText(p)}\``,
    ].join('\n\n');
  }
  const eq = c?.inserts.find((p) => p.type === 'eq' && p.bands.some((b) => b.name === symbol.name));
  const band = eq?.type === 'eq' ? eq.bands.find((b) => b.name === symbol.name) : undefined;
  if (!band || !eq) return `**band ${symbol.name}** in ${where}`;
  const owner = eq.name ? `eq ${eq.name}` : 'eq';
  return [`**${band.type} band ${symbol.name}** of the ${owner} of ${where}`, `\`${bandText(band)}\``].join('\n\n');
}

function routing(c: ChannelModel, all: readonly ChannelModel[]): string {
  const feeders = all.filter((x) => x.output === c.name).map((x) => x.name);
  const senders = all.filter((x) => x.sends.some((s) => s.bus === c.name)).map((x) => x.name);
  const parts: string[] = [];
  if (c.kind !== 'track') parts.push(`Input: ${[...feeders, ...senders.map((s) => `${s} (send)`)].join(', ') || 'nothing'}`);
  if (c.output) parts.push(`Output: ${c.output}`);
  if (c.sends.length > 0) parts.push(`Sends: ${c.sends.map((s) => `${s.bus} ${s.gainDb} dB${s.pre ? ' pre' : ''}`).join(', ')}`);
  parts.push(`Fader ${c.gainDb === -Infinity ? '-inf' : c.gainDb} dB, pan ${Math.round(c.pan * 100)}%${c.mute ? ', muted' : ''}${c.solo ? ', solo' : ''}`);
  return parts.join(' · ');
}

async function fileMarkdown(folder: string, path: string, audio: AudioInfoSource): Promise<string> {
  const fact = audio.fact(folder, path);
  const name = `\`${path}\``;
  if (!fact) return `${name}: not read yet`;
  switch (fact.status) {
    case 'missing': return `${name}: **not found**`;
    case 'unreadable': return `${name}: cannot be read (${fact.reason})`;
    case 'unsupported': return `${name}: not supported (${fact.reason})`;
    case 'ok': {
      const i = fact.info;
      const peak = await audio.peakDbfs(folder, path);
      const peakText = peak === null ? '' : `, peak ${peak === -Infinity ? '-inf' : peak.toFixed(1)} dBFS`;
      return `${name}: ${clockTime(durationOf(i))}, ${i.sampleRate} Hz, ${i.channels === 1 ? 'mono' : 'stereo'}, ${i.encoding}${peakText}`;
    }
  }
}

function barOf(seconds: number, tempo: number, beatsPerBar: number): string {
  const beats = seconds * tempo / 60;
  const bar = Math.floor(beats / beatsPerBar) + 1;
  const beat = beats - (bar - 1) * beatsPerBar + 1;
  return Math.abs(beat - 1) < 1e-9 ? `${bar}` : `${bar} beat ${Number(beat.toFixed(2))}`;
}
