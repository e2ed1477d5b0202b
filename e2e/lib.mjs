// Shared helpers for Modulario's browser tests: start the real server, drive
// Debian's Chromium with playwright-core, and check pages with axe-core.
// Every helper fails with a message that says what a person would see.

import { after, before } from 'node:test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** Repository root (the folder holding Makefile and bin/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where failure screenshots and HTML snapshots go. */
export const resultsDir = path.join(repoRoot, 'test-results');

/** Chromium from Debian; never a browser downloaded by a tool. */
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

/** Switches of every Chromium the tests launch (also e2e/hostpage.mjs). */
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
];

/** axe rule tags: WCAG 2.1 A and AA (what L. 4/2004 requires) plus best practices. */
export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** Returns a TCP port that is free on 127.0.0.1 right now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts ./bin/modulario serve (it builds nothing: run `make build` first) on a
 * free loopback port with a fresh data folder and demo content, and waits
 * until it answers. Options: dataDir (reuse one, e.g. across a restart; it is
 * then not removed by stop), env (extra variables), bin, timeoutMs.
 * Returns {baseURL, dataDir, output(), stop({signal})}.
 */
export async function startServer(opts = {}) {
  // The port is free when chosen but another process may take it before the
  // server binds it; a start that fails that way is retried on a new port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/.test(err.message)) throw err;
    }
  }
}

async function startServerOnce(opts) {
  const bin = opts.bin || process.env.MODULARIO_BIN || path.join(repoRoot, 'bin', 'modulario');
  if (!fs.existsSync(bin)) throw new Error(`${bin} does not exist: run make build`);
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const ownDataDir = !opts.dataDir;
  const dataDir = opts.dataDir || await fsp.mkdtemp(path.join(os.tmpdir(), 'modulario-e2e-'));
  const env = {
    ...process.env,
    MODULARIO_ADDR: `127.0.0.1:${port}`,
    MODULARIO_DATA_DIR: dataDir,
    MODULARIO_DEMO: '1',
    MODULARIO_BASE_URL: baseURL,
    ...opts.env,
  };
  const child = spawn(bin, ['serve'], { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const keep = (chunk) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const output = () => lines.join('\n');

  let stopped = false;
  const stop = async ({ signal = 'SIGTERM' } = {}) => {
    if (!stopped) {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    }
    if (ownDataDir && !opts.keepData) await fsp.rm(dataDir, { recursive: true, force: true });
  };

  try {
    await Promise.race([
      waitReady(baseURL, opts.timeoutMs ?? 15000),
      exited.then(({ code, signal }) => {
        throw new Error(`modulario exited before answering (code ${code}, signal ${signal})`);
      }),
    ]);
  } catch (err) {
    await stop({ signal: 'SIGKILL' });
    err.message += `\n--- server output ---\n${output()}`;
    throw err;
  }
  return { baseURL, dataDir, output, stop, process: child };
}

// waitReady polls GET /healthz, falling back to GET / when /healthz is not routed.
async function waitReady(baseURL, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    for (const p of ['/healthz', '/']) {
      try {
        const res = await fetch(baseURL + p, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.ok) return;
        last = `GET ${p}: ${res.status}`;
        if (res.status !== 404) break;
      } catch (err) {
        last = `GET ${p}: ${err.cause?.code || err.message}`;
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${baseURL} not ready after ${timeoutMs} ms (${last})`);
}

/**
 * Launches headless Chromium. javaScript sets the default for pages made with
 * newPage (false = the JavaScript-off flow). Returns {browser, newPage, close}.
 * newPage({javaScript, bypassCSP, locale, viewport}) opens a page in a fresh
 * context (no shared cookies). CSP stays enforced unless bypassCSP is set, so
 * tests see what citizens' browsers block; axe is injected in a CSP-proof way.
 */
export async function launchBrowser({ javaScript = true, locale = 'it-IT' } = {}) {
  if (!fs.existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install chromium`);
  // A loaded machine occasionally fails the first launch; one retry.
  const launch = () => chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, timeout: 60000 });
  const browser = await launch().catch((err) => {
    console.error(`chromium launch failed, retrying: ${err.message}`);
    return launch();
  });
  return {
    browser,
    async newPage(opts = {}) {
      const context = await browser.newContext({
        javaScriptEnabled: opts.javaScript ?? javaScript,
        bypassCSP: opts.bypassCSP ?? false,
        locale: opts.locale ?? locale,
        viewport: opts.viewport ?? { width: 1280, height: 900 },
      });
      const page = await context.newPage();
      page.setDefaultTimeout(opts.timeoutMs ?? 10000);
      return page;
    },
    close: () => browser.close(),
  };
}

/**
 * Records console errors and uncaught page errors (CSP violations, failed
 * loads, script exceptions). Returns a function giving the list so far.
 * Messages matching `ignore` are dropped; by default only the browser's own
 * /favicon.ico probe, which no page asks for.
 */
export function watchConsole(page, { ignore = /\/favicon\.ico\)$/ } = {}) {
  const errors = [];
  const add = (text) => {
    if (ignore && ignore.test(text)) return;
    // axe itself sets inline styles while it measures; the page did not.
    if (axeRunning.has(page) && /inline style/.test(text)) return;
    errors.push(text);
  };
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url;
    add(where && !msg.text().includes(where) ? `${msg.text()} (${where})` : msg.text());
  });
  page.on('pageerror', (err) => add(`uncaught: ${err.message}`));
  return () => [...errors];
}

let axeSource;

// Pages on which axe is running. Console events arrive in protocol order, so
// they are seen before the evaluate call that caused them returns.
const axeRunning = new WeakSet();

/** Runs axe-core on the page and returns its violations (empty when clean). */
export async function axeViolations(page) {
  axeSource ??= await fsp.readFile(path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // page.evaluate goes through the DevTools protocol, which the page's CSP
    // (script-src 'self') does not apply to, unlike an inline <script> tag.
    await page.evaluate(axeSource);
  }
  axeRunning.add(page);
  try {
    const result = await page.evaluate((tags) => window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    }), axeTags);
    return result.violations;
  } finally {
    axeRunning.delete(page);
  }
}

/** Formats axe violations as a readable list: id, impact, help, targets. */
export function formatViolations(violations) {
  return violations.map((v) => {
    const targets = v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}`).join('\n');
    const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : '';
    return `  - ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${targets}${more}`;
  }).join('\n');
}

/**
 * Fails when axe finds any WCAG 2.1 AA or best-practice violation on the page;
 * saves a screenshot and the HTML under test-results/ named after label.
 */
export async function checkA11y(page, label) {
  const violations = await axeViolations(page);
  if (violations.length === 0) return;
  const files = await captureFailure(page, label);
  throw new Error(`${label}: ${violations.length} accessibility violation(s) on ${page.url()}\n` +
    `${formatViolations(violations)}\n  saved: ${files.join(', ')}`);
}

/**
 * checkA11y for a page open with JavaScript off, where axe cannot run (its
 * promises never settle): the page's current HTML is served at the same
 * URL to a JavaScript-enabled page of the same browser whose own scripts
 * are blocked, so axe sees what the citizen sees, with the real stylesheets
 * (colour contrast), and nothing is requested from the server again.
 */
export async function checkA11yWithoutJS(page, label) {
  const html = await page.content();
  const url = page.url().replace(/#.*$/, '');
  const context = await page.context().browser().newContext({
    javaScriptEnabled: true, locale: 'it-IT', viewport: page.viewportSize() ?? { width: 1280, height: 900 },
  });
  try {
    const mirror = await context.newPage();
    await mirror.route('**/*', (route) => {
      const req = route.request();
      if (req.isNavigationRequest() && req.url().replace(/#.*$/, '') === url) {
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      }
      if (req.resourceType() === 'script') return route.abort();
      return route.continue();
    });
    await mirror.goto(url);
    await checkA11y(mirror, label);
  } finally {
    await context.close();
  }
}

/** Same as checkA11y; reads better inside tests. */
export const expectNoAxeViolations = checkA11y;

/** Saves a full-page screenshot and the HTML of page; returns the file paths. */
export async function captureFailure(page, label) {
  await fsp.mkdir(resultsDir, { recursive: true });
  const base = path.join(resultsDir, label.replace(/[^\w.-]+/g, '_'));
  const files = [];
  try {
    await page.screenshot({ path: `${base}.png`, fullPage: true });
    files.push(`${base}.png`);
    await fsp.writeFile(`${base}.html`, await page.content());
    files.push(`${base}.html`);
  } catch (err) {
    files.push(`(capture failed: ${err.message})`);
  }
  return files;
}

/** Runs fn(page); when it throws, saves a screenshot named label and rethrows. */
export async function withFailureCapture(page, label, fn) {
  try {
    return await fn(page);
  } catch (err) {
    if (!/saved: /.test(err.message)) err.message += `\n  saved: ${(await captureFailure(page, label)).join(', ')}`;
    throw err;
  }
}

/**
 * Registers node:test hooks that start the server with the demo services and
 * a browser before the file's tests, and stop both after them. Returns an
 * object whose `server` and `browser` are set once the hooks have run.
 */
export function useDemoSite(serverOpts = {}, browserOpts = {}) {
  const site = {};
  before(async () => {
    site.server = await startServer(serverOpts);
    site.browser = await launchBrowser(browserOpts);
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.stop();
  });
  return site;
}

export * from './actions.mjs';

/**
 * The password of the demo staff accounts (admin@, redattore@,
 * operatore@comune.example) in browser tests: pass
 * `{ env: { MODULARIO_DEMO_PASSWORD: demoPassword } }` to startServer.
 */
export const demoPassword = process.env.MODULARIO_DEMO_PASSWORD || 'password-demo-e2e-2026';

/**
 * Signs in to /admin as email through the login form and waits for the
 * staff home page. site is what useDemoSite returns (or {server}).
 * Fails with the page's error message when the login is refused.
 */
export async function adminLogin(page, site, email, password = demoPassword) {
  await page.goto(`${site.server.baseURL}/admin/login`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/admin/login'), { timeout: 10000 }).catch(() => {}),
    page.getByRole('button', { name: 'Accedi', exact: true }).click(),
  ]);
  if (new URL(page.url()).pathname.startsWith('/admin/login')) {
    const alert = await page.locator('.alert').allInnerTexts();
    throw new Error(`login as ${email} refused: ${alert.join(' ') || 'no message'}`);
  }
}

/**
 * Starts bin/smtpsink (built by make build) keeping the last messages, on
 * free loopback ports. Returns {smtpURL, env, messages(to?), clear(), stop()}:
 * smtpURL is what MODULARIO_SMTP_URL takes, env holds MODULARIO_SMTP_URL and
 * MODULARIO_MAIL_FROM for startServer({env}); messages resolves to the kept
 * messages ({from, to[], subject, text, html, attachments[], header}), only
 * those sent to `to` when given.
 */
export async function startMailSink({ keep = 500, from = 'Comune di Esempio <noreply@comune.example>' } = {}) {
  const bin = path.join(repoRoot, 'bin', 'smtpsink');
  if (!fs.existsSync(bin)) throw new Error(`${bin} does not exist: run make build`);
  for (let attempt = 1; ; attempt++) {
    const [smtpPort, httpPort] = [await freePort(), await freePort()];
    const child = spawn(bin, ['-keep', String(keep), '-smtp', `127.0.0.1:${smtpPort}`, '-http', `127.0.0.1:${httpPort}`],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => { stderr += c; });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const api = `http://127.0.0.1:${httpPort}/messages`;
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    };
    try {
      await Promise.race([
        waitSink(`http://127.0.0.1:${httpPort}/count`, smtpPort),
        exited.then(() => { throw new Error(`smtpsink exited: ${stderr}`); }),
      ]);
    } catch (err) {
      await stop();
      if (attempt < 3 && /address already in use/.test(err.message)) continue;
      throw err;
    }
    const smtpURL = `smtp://127.0.0.1:${smtpPort}?tls=none`;
    return {
      smtpURL,
      env: { MODULARIO_SMTP_URL: smtpURL, MODULARIO_MAIL_FROM: from },
      async messages(to) {
        const res = await fetch(to ? `${api}?to=${encodeURIComponent(to)}` : api);
        if (!res.ok) throw new Error(`GET ${api}: ${res.status}`);
        return res.json();
      },
      async clear() {
        const res = await fetch(api, { method: 'DELETE' });
        if (!res.ok) throw new Error(`DELETE ${api}: ${res.status}`);
      },
      stop,
    };
  }
}

// waitSink waits until the sink answers over HTTP and accepts SMTP connections.
async function waitSink(countURL, smtpPort) {
  const deadline = Date.now() + 10000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(countURL, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      await new Promise((resolve, reject) => {
        const sock = net.connect(smtpPort, '127.0.0.1', () => { sock.destroy(); resolve(); });
        sock.on('error', reject);
      });
      return;
    } catch (err) {
      last = err.cause?.code || err.code || err.message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`smtpsink not ready after 10 s (${last})`);
}

/**
 * Polls sink until a message to `to` whose subject matches `subject` (a
 * RegExp or a substring; any subject when omitted) and, when given, whose
 * text matches `text`, has arrived; returns the newest such message. `after`
 * skips messages already seen: pass a count from (await sink.messages(to)).length.
 * Fails after timeoutMs listing the subjects that did arrive.
 */
export async function waitForMail(sink, { to, subject, text, after = 0, timeoutMs = 15000 } = {}) {
  const matches = (value, want) => want === undefined ||
    (want instanceof RegExp ? want.test(value) : String(value).includes(want));
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  for (;;) {
    seen = (await sink.messages(to)).slice(after);
    const found = seen.filter((m) => matches(m.subject, subject) && matches(m.text || m.html, text));
    if (found.length > 0) return found[found.length - 1];
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no email to ${to ?? 'anyone'} with subject ${subject ?? '(any)'}${text ? ` and text ${text}` : ''} ` +
    `within ${timeoutMs} ms; arrived: ${seen.map((m) => `${m.to.join(',')}: ${m.subject}`).join(' | ') || 'nothing'}`);
}
