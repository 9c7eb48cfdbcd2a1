/**
 * What reading a session's files needs from the machine it runs on (the
 * language server, the preview and the CLI alike). Node provides it in
 * node-host.ts; tests may pass their own.
 */
export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
}

export interface DirEntry {
  readonly name: string;
  readonly isDirectory: boolean;
}

export interface FileHost {
  /** null when the file does not exist. */
  stat(path: string): Promise<FileStat | null>;
  read(path: string, offset: number, length: number): Promise<Uint8Array>;
  readDir(path: string): Promise<DirEntry[]>;
}
