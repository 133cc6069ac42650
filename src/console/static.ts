/**
 * Serves the pre-built console (Vite's output in dist/console, built by `npm run build`) under
 * /console/. Hashed assets are cached for good (by browsers, and here in memory: the whole
 * console is a few tens of kilobytes); index.html never is.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/src/console/static.js → dist/console/ */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export class StaticFiles {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly root: string = DEFAULT_CONSOLE_DIR) {}

  /** Answers GET/HEAD for `rel` (a path below /console/, '' for the index). */
  async serve(req: IncomingMessage, res: ServerResponse, rel: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      return void res.end('method not allowed');
    }
    const name = rel === '' ? 'index.html' : rel;
    let decoded: string;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      decoded = '\0';
    }
    const clean = normalize(decoded);
    if (decoded.includes('\0') || clean.startsWith('..') || clean.startsWith(sep) || clean.includes(`${sep}..${sep}`)) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return void res.end('bad path');
    }
    let body = await this.read(clean);
    let file = clean;
    // Unknown paths without an extension are the single-page app's own routes: answer the index.
    if (body === null && extname(clean) === '') {
      body = await this.read('index.html');
      file = 'index.html';
    }
    if (body === null) {
      if (file === 'index.html' || clean === 'index.html') {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end('The web console has not been built: run `npm run build` (npm install does it too).\n');
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('not found');
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': file.startsWith(`assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private async read(rel: string): Promise<Buffer | null> {
    const hit = this.cache.get(rel);
    if (hit !== undefined) return hit;
    const body = await readFile(`${this.root}${rel}`).catch(() => null);
    // Only hashed assets are kept: index.html and misses are read again, so a rebuild shows.
    if (body !== null && rel.startsWith(`assets${sep}`)) this.cache.set(rel, body);
    return body;
  }
}
