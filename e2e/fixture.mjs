// A tiny static server with Bootstrap-Italia-styled pages and the same strict
// CSP as Modulario, used by harness.test.mjs to prove the browser harness
// (launch, axe, screenshots, form helpers) without the Go server.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { repoRoot } from './lib.mjs';

export const distDir = path.join(repoRoot, 'themes', 'static', 'dist');

// img-src and font-src need data: because bootstrap-italia.min.css inlines
// its form-control icons (data:image/svg+xml) and the VideoJS icon font.
const csp = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; " +
  "font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const types = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };

const escapeHTML = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const layout = (title, body) => `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – Comune di Esempio</title>
<link rel="stylesheet" href="/static/css/bootstrap-italia.min.css"><link rel="stylesheet" href="/static/css/fonts.css">
</head><body>
<header class="it-header-wrapper"><div class="it-header-center-wrapper"><div class="container"><div class="it-header-center-content-wrapper">
<div class="it-brand-wrapper"><a href="/"><div class="it-brand-text"><div class="it-brand-title">Comune di Esempio</div></div></a></div>
</div></div></div></header>
<main id="main" class="container my-4">${body}</main>
<footer class="it-footer"><div class="it-footer-main"><div class="container"><p class="text-white py-3 mb-0">
<a class="text-white" href="/" data-element="accessibility-link">Dichiarazione di accessibilità</a></p></div></div></footer>
</body></html>`;

const formPage = layout('Segnalazione', `<h1>Segnalazione di disservizio</h1>
<p>I campi contraddistinti dal simbolo asterisco sono obbligatori.</p>
<form method="post" action="/form" novalidate>
  <div class="form-group"><label for="nome">Nome *</label><input class="form-control" id="nome" name="nome" autocomplete="given-name" required></div>
  <div class="form-group"><label for="cognome">Cognome *</label><input class="form-control" id="cognome" name="cognome" autocomplete="family-name" required></div>
  <div class="select-wrapper mb-4"><label for="tipo">Tipo di problema</label>
    <select id="tipo" name="tipo"><option value="">Scegli un'opzione</option><option value="illuminazione">Illuminazione pubblica</option><option value="strade">Strade</option></select></div>
  <fieldset class="mb-4"><legend class="h6">Come preferisci essere contattato?</legend>
    <div class="form-check"><input type="radio" id="c-email" name="canale" value="email"><label for="c-email">Email</label></div>
    <div class="form-check"><input type="radio" id="c-tel" name="canale" value="telefono"><label for="c-tel">Telefono</label></div></fieldset>
  <div class="form-check mb-4"><input type="checkbox" id="privacy" name="privacy" value="si"><label for="privacy">Ho letto e compreso l'informativa sulla privacy</label></div>
  <button type="submit" class="btn btn-primary">Avanti
    <svg class="icon icon-white icon-sm" aria-hidden="true"><use href="/static/svg/sprites.svg#it-chevron-right"></use></svg></button>
</form>`);

const pages = {
  '/': formPage,
  '/bad': layout('Pagina con errori', `<h1>Pagina con errori</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<div class="form-group"><input class="form-control" id="senza-etichetta"></div>`),
  '/broken': layout('Asset mancante', '<h1>Asset mancante</h1><link rel="stylesheet" href="/static/css/nope.css">'),
  '/js': layout('JavaScript', '<h1 id="titolo">Senza JavaScript</h1><script src="/static/fixture.js"></script>'),
  '/inline': layout('Script inline', '<h1 id="titolo">Originale</h1><script>document.getElementById("titolo").textContent = "Modificato"</script>'),
};

const fixtureJS = 'document.getElementById("titolo").textContent = "Con JavaScript";\n';

function echoPage(form) {
  const rows = [...form.entries()].map(([k, v]) => `<dt>${escapeHTML(k)}</dt><dd>${escapeHTML(v)}</dd>`).join('');
  return layout('Riepilogo', `<h1>Riepilogo</h1><dl id="risposte">${rows}</dl>`);
}

function serveStatic(res, urlPath) {
  if (urlPath === '/static/fixture.js') return send(res, 200, types['.js'], fixtureJS);
  const file = path.join(distDir, path.normalize(urlPath.slice('/static/'.length)));
  if (!file.startsWith(distDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return send(res, 404, 'text/plain; charset=utf-8', 'not found');
  }
  res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  return send(res, 200, types[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

function handle(req, res) {
  const { pathname } = new URL(req.url, 'http://fixture');
  if (pathname.startsWith('/static/')) return serveStatic(res, pathname);
  res.setHeader('Content-Security-Policy', csp);
  if (req.method === 'POST' && pathname === '/form') {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => send(res, 200, 'text/html; charset=utf-8', echoPage(new URLSearchParams(body))));
    return undefined;
  }
  if (pages[pathname]) return send(res, 200, 'text/html; charset=utf-8', pages[pathname]);
  return send(res, 404, 'text/html; charset=utf-8', layout('Pagina non trovata', '<h1>Pagina non trovata</h1>'));
}

/** Starts the fixture server on a free loopback port; returns {baseURL, stop()}. */
export async function startFixture() {
  const server = http.createServer(handle);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseURL: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
