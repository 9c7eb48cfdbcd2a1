/**
 * The walls between the project's rooms (docs/architecture.md), checked on
 * every source file's imports. The tsconfig project references already make
 * the compiler refuse most crossings; this test also covers what they cannot
 * say: which packages and Node modules each room may use, and that the
 * webview shares only the typed message protocols with the extension.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Room = 'grammar' | 'engine' | 'session' | 'server' | 'client' | 'cli' | 'media';

/** Where each room's sources are. */
const SOURCES: Record<Room, string> = {
  grammar: 'grammar/src',
  engine: 'engine/src',
  session: 'session/src',
  server: 'server/src',
  client: 'client/src',
  cli: 'cli/src',
  media: 'media',
};

/** The rooms each room may import from (besides itself). */
const MAY_IMPORT: Record<Room, readonly Room[]> = {
  grammar: [],
  engine: ['grammar'],
  session: ['grammar', 'engine'],
  server: ['session', 'grammar', 'engine'],
  client: ['session', 'grammar', 'engine', 'media'],
  cli: ['session', 'grammar', 'engine'],
  media: ['grammar', 'engine'],
};

/** Packages each room may use; `node:` stands for Node's own modules. */
const PACKAGES: Record<Room, readonly string[]> = {
  grammar: ['chevrotain'],
  engine: [],
  session: ['node:', 'vscode-uri', 'vega', 'vega-lite', '@resvg/resvg-js'],
  server: ['node:', 'vscode-languageserver', 'vscode-languageserver-textdocument', 'vscode-uri'],
  client: ['node:', 'vscode', 'vscode-languageclient'],
  cli: ['node:'],
  media: [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ts$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** Every module specifier a file imports or re-exports, type-only imports included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

function roomOf(path: string): Room | null {
  const rel = relative(ROOT, path);
  for (const [room, dir] of Object.entries(SOURCES) as [Room, string][]) if (rel === dir || rel.startsWith(dir + '/')) return room;
  return null;
}

const ROOMS = Object.keys(SOURCES) as Room[];

describe('the walls between rooms', () => {
  it.each(ROOMS)('%s imports only what it may', (room) => {
    const crossings: string[] = [];
    for (const file of sourceFiles(SOURCES[room])) {
      for (const spec of importsOf(file)) {
        const where = `${relative(ROOT, file)} imports '${spec}'`;
        if (spec.startsWith('.')) {
          const target = roomOf(resolve(dirname(file), spec));
          if (target === null) crossings.push(`${where}, outside every room`);
          else if (target !== room && !MAY_IMPORT[room].includes(target)) crossings.push(`${where}: ${room} may not import ${target}`);
          // The extension shares only the typed message protocols with the webview.
          else if (room === 'client' && target === 'media' && !/\/protocol\.js$/.test(spec)) crossings.push(`${where}: the extension may import only media's protocol files`);
          // Outside code enters the engine through its index.
          else if (target === 'engine' && room !== 'engine' && !/engine\/src\/index\.js$/.test(spec)) crossings.push(`${where}: import the engine through engine/src/index.js`);
        } else {
          const allowed = PACKAGES[room].some((p) => (p.endsWith(':') ? spec.startsWith(p) : spec === p || spec.startsWith(p + '/')));
          if (!allowed) crossings.push(`${where}: not a package ${room} may use`);
        }
      }
    }
    expect(crossings).toEqual([]);
  });

  it('finds the imports it checks', () => {
    // A parser that found nothing would pass every room.
    expect(importsOf(join(ROOT, 'engine/src/render/strip.ts'))).toContain('../processors/index.js');
    expect(sourceFiles('grammar/src').length).toBeGreaterThan(5);
  });
});
