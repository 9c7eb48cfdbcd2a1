/** Lists the audio files under a folder for path completion; cached until files change. */
import type { AudioFileLister } from './features/completion.js';
import type { FileHost } from '../../session/src/index.js';

const SKIP = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test']);
const MAX_DEPTH = 6;
const MAX_FILES = 5000;

export class AudioFileIndex implements AudioFileLister {
  private readonly cache = new Map<string, Promise<string[]>>();

  constructor(private readonly host: FileHost) {}

  list(folder: string): Promise<string[]> {
    let listing = this.cache.get(folder);
    if (!listing) {
      listing = this.walk(folder);
      this.cache.set(folder, listing);
    }
    return listing;
  }

  invalidate(): void {
    this.cache.clear();
  }

  private async walk(folder: string): Promise<string[]> {
    const found: string[] = [];
    const visit = async (dir: string, rel: string, depth: number) => {
      if (depth > MAX_DEPTH || found.length >= MAX_FILES) return;
      let entries;
      try {
        entries = await this.host.readDir(dir);
      } catch {
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const e of entries) {
        if (e.name.startsWith('.') || SKIP.has(e.name)) continue;
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory) await visit(`${dir}/${e.name}`, childRel, depth + 1);
        else if (/\.wav$/i.test(e.name)) found.push(childRel);
      }
    };
    await visit(folder, '', 0);
    return found;
  }
}
