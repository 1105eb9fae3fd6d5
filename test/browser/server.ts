/**
 * The static file server of the browser tests and the browser bench: files under `root` on
 * 127.0.0.1 (an ephemeral port), with the MIME types a browser needs (application/wasm for
 * instantiateStreaming) and, when `isolated`, the two headers that make a page cross-origin
 * isolated (so it has SharedArrayBuffer and tapegrad's worker threads).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** A running server: its base URL (ending in /) and how to stop it. */
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `root` (and `mounts`: URL prefix → directory) until `close()`.
 *
 * @example
 * const server = await serveStatic('dist', { isolated: true });
 * await page.goto(server.url); await server.close();
 */
export async function serveStatic(
  root: string,
  options: { isolated?: boolean; mounts?: Record<string, string> } = {},
): Promise<StaticServer> {
  const mounts = Object.entries({ ...options.mounts, '/': root }).sort((a, b) => b[0].length - a[0].length);
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const [prefix, dir] = mounts.find(([p]) => urlPath.startsWith(p))!;
    let file = path.join(dir, urlPath.slice(prefix.length));
    if (!file.startsWith(path.resolve(dir))) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${urlPath}`);
      return;
    }
    const headers: Record<string, string> = {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    };
    if (options.isolated) {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
    }
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the browser's keep-alive connections would hold close() open
      }),
  };
}
