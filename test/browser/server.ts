/**
 * A small HTTP server on 127.0.0.1 for browser tests: serves folders at
 * fixed URL prefixes (GET only, with `Range` requests, nothing outside
 * them), and takes uploads
 * (POST /upload/NAME) back from the page, kept in memory for the test.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.mix': 'text/plain; charset=utf-8',
  '.wav': 'audio/wav',
  '.css': 'text/css; charset=utf-8',
};

export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Bodies POSTed to /upload/NAME, by NAME. */
  readonly uploads: Map<string, Buffer>;
  close(): Promise<void>;
}

/** `mounts` maps a URL prefix ("/media/") to the folder served under it. */
export async function serve(mounts: Record<string, string>): Promise<TestServer> {
  const uploads = new Map<string, Buffer>();
  const roots = Object.entries(mounts).map(([prefix, dir]) => ({ prefix, dir: resolve(dir) }));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    if (req.method === 'POST' && path.startsWith('/upload/')) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      uploads.set(path.slice('/upload/'.length), Buffer.concat(chunks));
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    const root = roots.find((r) => path.startsWith(r.prefix));
    const file = root ? resolve(root.dir, '.' + path.slice(root.prefix.length - 1)) : null;
    if (!root || !file || !file.startsWith(root.dir + sep)) {
      res.writeHead(404).end();
      return;
    }
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    // `Range: bytes=A-B` (or `A-`) as VS Code's webview resource loader answers it: 206 with the part.
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const from = Number(range[1]);
      const to = Math.min(info.size - 1, range[2] ? Number(range[2]) : info.size - 1);
      if (from >= info.size || to < from) {
        res.writeHead(416, { 'content-range': `bytes */${info.size}` }).end();
        return;
      }
      res.writeHead(206, { 'content-type': type, 'content-length': to - from + 1, 'content-range': `bytes ${from}-${to}/${info.size}`, 'cache-control': 'no-store' });
      createReadStream(file, { start: from, end: to }).pipe(res);
      return;
    }
    res.writeHead(200, { 'content-type': type, 'content-length': info.size, 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    uploads,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
