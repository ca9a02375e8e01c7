// The server of the local MyST site template (template.yml): mystmd starts
// it with PORT (where to listen) and CONTENT_CDN_PORT (mystmd's content
// server: config.json and content/<page>.json, each page as MyST's mdast),
// fetches every route of the site from it and writes static HTML. It renders
// the node types the example uses, text always escaped; a `raw` node with
// lang html (the {raw} html directive) is the page author's own markup and
// goes in as written. An `anywidget` node (the {anywidget} directive) becomes
// a <div data-anywidget> holding the node as JSON, which npm's
// @myst-theme/anywidget renders in the browser (client/anywidget-host.mjs,
// bundled as public/anywidget-host.js). No inline script or style, so the
// built page runs under the lesson's strict Content-Security-Policy.
import { createServer } from 'node:http';

const cdn = `http://localhost:${process.env.CONTENT_CDN_PORT}`;
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// the path from the page being rendered to the site's root ('' or '../'...)
let prefix = '';
// mystmd writes a widget's module and stylesheet into build/ and names them "/<file>"
const builtAsset = (url) => (typeof url === 'string' && /^\/[^/]/.test(url) ? `${prefix}build${url}` : url);

function render(node) {
  const kids = () => (node.children ?? []).map(render).join('');
  switch (node.type) {
    case 'root': case 'block': return kids();
    case 'text': return esc(node.value);
    case 'heading': return `<h${node.depth}${node.identifier ? ` id="${esc(node.identifier)}"` : ''}>${kids()}</h${node.depth}>\n`;
    case 'paragraph': return node.children?.length ? `<p>${kids()}</p>\n` : '';
    case 'strong': return `<strong>${kids()}</strong>`;
    case 'emphasis': return `<em>${kids()}</em>`;
    case 'inlineCode': return `<code>${esc(node.value)}</code>`;
    case 'code': return `<pre><code>${esc(node.value)}</code></pre>\n`;
    case 'link': return `<a href="${esc(node.url)}">${kids()}</a>`;
    case 'list': return node.ordered ? `<ol>${kids()}</ol>\n` : `<ul>${kids()}</ul>\n`;
    case 'listItem': return `<li>${kids()}</li>`;
    case 'thematicBreak': return '<hr>\n';
    case 'break': return '<br>';
    case 'blockquote': return `<blockquote>${kids()}</blockquote>\n`;
    case 'raw': return node.lang === 'html' ? `${node.value}\n` : kids();
    case 'anywidget': return `<div class="tt-anywidget" data-anywidget="${esc(JSON.stringify({ ...node, esm: builtAsset(node.esm), css: builtAsset(node.css) }))}"></div>\n`;
    case 'iframe': return `<iframe src="${esc(node.src)}" title="${esc(node.title ?? '')}" width="${esc(node.width ?? '100%')}"></iframe>\n`;
    default: return kids();
  }
}

function page(json, slug) {
  const title = json.frontmatter?.title ?? 'Untitled';
  prefix = slug === 'index' ? '' : '../'.repeat(slug.split('/').length);
  const body = render(json.mdast);
  const widgets = body.includes('data-anywidget') ? `\n<script src="${prefix}anywidget-host.js" defer></script>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${prefix}myst-example.css">${widgets}
</head>
<body>
<main>
<h1>${esc(title)}</h1>
${body}</main>
<footer><p>Built by mystmd (MyST-MD, the engine of Jupyter Book 2) with a small offline theme.</p></footer>
</body>
</html>
`;
}

const TEXT = { '/robots.txt': 'User-agent: *\n', '/myst-theme.css': '', '/sitemap.xml': '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', '/sitemap_style.xsl': '<?xml version="1.0"?><xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>', '/favicon.ico': '' };

const server = createServer(async (req, res) => {
  try {
    const path = new URL(req.url, 'http://x').pathname;
    if (path in TEXT) { res.end(TEXT[path]); return; }
    const slug = path === '/' ? 'index' : path.replace(/^\//, '').replace(/\/$/, '').replace(/\.json$/, '');
    const r = await fetch(`${cdn}/content/${slug}.json`);
    if (!r.ok) { res.writeHead(404).end(); return; }
    const json = await r.json();
    if (path.endsWith('.json')) { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(json)); return; }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(page(json, slug));
  } catch (e) {
    res.writeHead(500).end(String(e.message));
  }
});
// mystmd waits for a line with the address
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`tinytorch-wasm offline theme on http://localhost:${process.env.PORT}`));
