// Fixtures for the embedding tests: a comune's web page on another site that
// embeds a Modulario form with embed.js, a cookie probe, and a Chromium whose
// third-party cookie setting is chosen explicitly.
//
// Sites: the host server listens on 127.0.0.1 but pages are loaded as
// http://localhost:PORT, so Modulario (http://127.0.0.1:OTHER) is cross-site
// for the browser, not merely cross-origin: cookies ignore ports, so two
// loopback ports on the same host name would be one site and third-party
// cookie blocking would never apply.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './lib.mjs';

const escapeHTML = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const stylesheet = `body { font-family: sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1a1a1a; }
.spazio { min-height: 40rem; }
`;

/**
 * Starts a comune's web site on a free loopback port. Its pages embed a form
 * with the snippet the editor shows; `modulario` (the server's base URL) is
 * set once Modulario is up, because Modulario's allowlist needs this site's
 * origin first. Pages: page(pathname, {slug, title, parametri}) registers one;
 * "/sonda" is the cookie probe (see probeThirdPartyCookies).
 * Returns {origin (http://localhost:PORT), probeOrigin (http://127.0.0.1:PORT),
 * modulario, page(), url(pathname), close()}.
 */
export async function startHostSite() {
  const pages = new Map();
  const site = {
    modulario: '',
    page(pathname, opts) { pages.set(pathname, opts); },
    url(pathname = '/') { return site.origin + pathname; },
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://host.invalid');
    const send = (status, type, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
      res.end(body);
    };
    if (url.pathname === '/ospite.css') return send(200, 'text/css; charset=utf-8', stylesheet);
    if (url.pathname === '/sonda') return send(200, 'text/html; charset=utf-8', probePage(site, url.searchParams.get('fase')));
    if (url.pathname === '/sonda/imposta') {
      // SameSite=None; Secure is the one cookie a cross-site frame could
      // set and get back (Chromium accepts Secure on http://127.0.0.1);
      // Lax or Strict cookies never cross sites, blocked or not.
      return send(200, 'text/html; charset=utf-8', '<!doctype html><title>Sonda</title><p>Cookie impostato.</p>',
        { 'Set-Cookie': 'sonda=1; SameSite=None; Secure; Path=/' });
    }
    if (url.pathname === '/sonda/leggi') {
      return send(200, 'text/html; charset=utf-8',
        `<!doctype html><title>Sonda</title><p id="cookie">${escapeHTML(req.headers.cookie || 'nessuno')}</p>`);
    }
    const opts = pages.get(url.pathname);
    if (!opts) return send(404, 'text/plain; charset=utf-8', 'pagina non trovata');
    return send(200, 'text/html; charset=utf-8', hostPage(site, opts), { 'Content-Security-Policy': hostCSP(site.modulario) });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  site.origin = `http://localhost:${port}`;
  site.probeOrigin = `http://127.0.0.1:${port}`;
  site.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  return site;
}

// hostCSP is as strict as a careful comune's site: its own stylesheet, and
// only Modulario for scripts and frames. No inline script or style, so
// embed.js must work without either.
function hostCSP(modulario) {
  return `default-src 'none'; style-src 'self'; script-src ${modulario}; frame-src ${modulario}; ` +
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

// hostPage is a comune's page with its own text above and below the
// snippets the editor shows for its forms (opts is one form {slug, title,
// parametri}, or {title, forms: [...]} for several). The spacers make the
// page taller than the window, so scrolling the frame into view can be checked.
function hostPage(site, opts) {
  const forms = opts.forms ?? [opts];
  return `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Comune di Esempio: ${escapeHTML(opts.title)}</title>
<link rel="stylesheet" href="/ospite.css">
</head>
<body>
<header><p id="ente">Comune di Esempio, sito istituzionale</p></header>
<main>
<h1 id="titolo-ospite">${escapeHTML(opts.title)}</h1>
<p id="testo-sopra">Da questa pagina puoi inviare la richiesta senza uscire dal sito del Comune.</p>
<div class="spazio"></div>
${forms.map((f) => snippet(site.modulario, f)).join('<p>Oppure:</p>\n')}
<p id="testo-sotto">Per le emergenze chiama il 112.</p>
<div class="spazio"></div>
</main>
<footer><p>Comune di Esempio, Piazza del Municipio 1</p></footer>
</body>
</html>
`;
}

// snippet is what the editor shows for a form: the fallback link and the
// script, with data-parametri when given.
function snippet(base, { slug, title, parametri }) {
  const extra = parametri === undefined ? '' : ` data-parametri="${escapeHTML(parametri)}"`;
  return `<a href="${escapeHTML(base)}/servizi/${escapeHTML(slug)}" data-modulario-fallback="${escapeHTML(slug)}">Compila il modulo «${escapeHTML(title)}»</a>
<script src="${escapeHTML(base)}/embed.js" data-modulo="${escapeHTML(slug)}"${extra} async></script>
`;
}

// probePage frames this same server under its other name (127.0.0.1), which
// is another site: fase=imposta sets the probe cookie, anything else shows
// the cookies the frame's request carried.
function probePage(site, fase) {
  const src = `${site.probeOrigin}/sonda/${fase === 'imposta' ? 'imposta' : 'leggi'}`;
  return `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>Sonda dei cookie</title></head>
<body><main><h1>Sonda dei cookie</h1><iframe title="Sonda" src="${src}"></iframe></main></body></html>
`;
}

/**
 * Launches Chromium with a profile whose third-party cookie setting is set
 * explicitly: block=true is "Block third-party cookies" (preference
 * profile.cookie_controls_mode = 1), false allows them (0). What we found
 * with Debian's Chromium 148: it already blocks third-party cookies by
 * default, in Playwright's off-the-record contexts and in a fresh profile
 * alike (DevTools reports the refused Set-Cookie with reason
 * "UserPreferences"); --test-third-party-cookie-phaseout changes nothing
 * visible on top of that, and DevTools' Network.setCookieControls did not
 * lift the block, so neither makes a control. A default can change with a
 * Chromium update; a preference written into the profile cannot, and mode 0
 * gives the control that shows the probe can see a cookie at all.
 * Returns {context, newPage(), close()}.
 */
export async function launchWithThirdPartyCookies({ block, javaScript = true, locale = 'it-IT' }) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'modulario-e2e-profile-'));
  fs.mkdirSync(path.join(dir, 'Default'));
  fs.writeFileSync(path.join(dir, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: block ? 1 : 0 } }));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath, args: chromiumArgs, timeout: 60000,
    javaScriptEnabled: javaScript, locale, viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      page.setDefaultTimeout(10000);
      return page;
    },
    async close() {
      await context.close();
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs the cookie probe in browser (from launchWithThirdPartyCookies): a
 * frame of site.probeOrigin inside a page of site.origin sets a
 * SameSite=None; Secure cookie, then a second frame shows whether its request
 * carried it back, and a document.cookie write in that frame is read back.
 * Returns {sent: bool, scriptCookie: bool}.
 */
export async function probeThirdPartyCookies(browser, site) {
  const page = await browser.newPage();
  try {
    await page.goto(site.url('/sonda?fase=imposta'));
    await page.frameLocator('iframe').locator('p').waitFor();
    await page.goto(site.url('/sonda?fase=leggi'));
    const frame = page.frames().find((f) => f.url().startsWith(`${site.probeOrigin}/sonda/leggi`));
    if (!frame) throw new Error('the probe frame did not load');
    const sent = (await frame.locator('#cookie').innerText()).includes('sonda=1');
    const scriptCookie = await frame.evaluate(() => {
      document.cookie = 'sonda_script=1; SameSite=None; Secure; Path=/';
      return document.cookie.includes('sonda_script=1');
    });
    return { sent, scriptCookie };
  } finally {
    await page.close();
  }
}
