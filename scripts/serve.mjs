// Serves dist/site on localhost with the lesson's Content-Security-Policy
// and prints the URL.
// Usage: node scripts/serve.mjs [port] [--frame-ancestors "<sources>"]
//
// Framing: embed.html is made to be framed by course pages, on any origin,
// so by default its policy says `frame-ancestors *` (any http/https page);
// --frame-ancestors narrows it ("'self' https://course.example", or
// "'none'"). Every other file keeps `frame-ancestors 'self'`. The site sets
// no cookies and keeps nothing a framing page could act on.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lesson's policy, with `frameAncestors` as its frame-ancestors sources. */
export const policy = (frameAncestors = "'self'") => `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors ${frameAncestors}`;
/** The policy of every page but embed.html: framed only by its own origin. */
export const CSP = policy("'self'");
/** embed.html's default frame-ancestors: any http or https page may frame it. */
export const EMBED_FRAME_ANCESTORS = '*';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.bin': 'application/octet-stream', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8' };

/** frame-ancestors sources as the CSP grammar takes them: keywords, schemes, hosts, `*`; anything else throws. */
export function checkFrameAncestors(text) {
  const sources = String(text).trim().split(/\s+/);
  const ok = /^('self'|'none'|\*|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*:\/\/)?(\*\.)?[a-z0-9.-]+(:(\d+|\*))?(\/[^\s;,']*)?)$/i;
  const bad = sources.find((s) => !ok.test(s));
  if (bad !== undefined || sources.length === 0) throw new TypeError(`--frame-ancestors: "${bad ?? text}" is not a CSP source (expected e.g. "'self' https://course.example", "*" or "'none'")`);
  if (sources.includes("'none'") && sources.length > 1) throw new TypeError("--frame-ancestors: 'none' must stand alone");
  return sources.join(' ');
}

/**
 * Serve `root`; resolves to the server once listening on 127.0.0.1:port (0 =
 * any). `headers` go on every response; without them, each file gets the
 * lesson's policy (embed.html with `frameAncestors`, the others 'self').
 */
export function serveSite(root, port = 0, headers = null, { frameAncestors = EMBED_FRAME_ANCESTORS } = {}) {
  const embedPolicy = policy(checkFrameAncestors(frameAncestors));
  const server = createServer(async (req, res) => {
    let path;
    try {
      path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const own = headers ?? { 'content-security-policy': basename(file) === 'embed.html' ? embedPolicy : CSP };
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff', ...own });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let frameAncestors = EMBED_FRAME_ANCESTORS;
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--frame-ancestors') frameAncestors = args[++i] ?? '';
    else if (a.startsWith('--frame-ancestors=')) frameAncestors = a.slice('--frame-ancestors='.length);
    else rest.push(a);
  }
  try {
    frameAncestors = checkFrameAncestors(frameAncestors);
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  const root = fileURLToPath(new URL('../dist/site', import.meta.url));
  const server = await serveSite(root, Number(rest[0] ?? 8040), null, { frameAncestors });
  console.log(`The Layers lesson: http://127.0.0.1:${server.address().port}/  (Ctrl+C stops)`);
  console.log(`embed.html may be framed by: ${frameAncestors === '*' ? 'any http(s) page' : frameAncestors} (--frame-ancestors changes it); the other pages by their own origin only`);
}
