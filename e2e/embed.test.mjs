// Embedding a form in the comune's website: a host page on another site
// (http://localhost:PORT, while Modulario is http://127.0.0.1:PORT) loads
// embed.js, which replaces the fallback link with an iframe; the citizen
// completes the flow inside the frame in a Chromium that blocks third-party
// cookies, and the frame's height follows its content.

import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  axeViolations, captureFailure, checkA11yWithoutJS, clickButton, fieldByLabel, fillField, formatViolations, launchBrowser,
  resultsDir, startServer, watchConsole, withFailureCapture,
} from './lib.mjs';
import { launchWithThirdPartyCookies, probeThirdPartyCookies, startHostSite } from './hostpage.mjs';
import { scenarios } from './scenarios.mjs';

const numberPattern = /\b\d{4}-\d{7}\b/;
const consent = "Ho letto e compreso l'informativa sulla privacy";
// A form without appointments or uploads, with two steps.
const flow = scenarios.find((s) => s.slug === 'segnalazione-disservizio');
const frameSelector = `iframe[data-modulario-frame="${flow.slug}"]`;

let host; // the comune's site, in the allowlist
let stranger; // another site, not in the allowlist
let server;
let browser; // third-party cookies blocked
let browserNoJS; // third-party cookies blocked, JavaScript off

before(async () => {
  [host, stranger] = await Promise.all([startHostSite(), startHostSite()]);
  server = await startServer({ env: { MODULARIO_EMBED_ORIGINS: host.origin } });
  for (const site of [host, stranger]) {
    site.modulario = server.baseURL;
    site.page('/', { slug: flow.slug, title: flow.title });
  }
  [browser, browserNoJS] = await Promise.all([
    launchWithThirdPartyCookies({ block: true }),
    launchWithThirdPartyCookies({ block: true, javaScript: false }),
  ]);
});

after(async () => {
  await browser?.close();
  await browserNoJS?.close();
  await server?.stop();
  await host?.close();
  await stranger?.close();
});

// frameOf waits for embed.js to insert the form's iframe on the host page
// and returns its Frame once the frame shows a page of Modulario.
async function frameOf(page, selector = frameSelector) {
  const iframe = page.locator(selector);
  await iframe.waitFor({ state: 'attached' });
  const frame = await (await iframe.elementHandle()).contentFrame();
  assert.ok(frame, 'the iframe has no frame');
  await frame.locator('main h1').waitFor();
  return frame;
}

// expectFrameFitsContent polls until the iframe is as tall as the document it shows
// (the resize message arrives after the load) and returns the heights; it
// fails when the frame keeps a scrollbar of its own or a different height.
async function expectFrameFitsContent(page, frame, label, selector = frameSelector) {
  const iframe = page.locator(selector);
  // Chromium skips rendering updates in cross-site frames out of the
  // window: the frame's viewport follows a new height only once seen.
  await iframe.scrollIntoViewIfNeeded();
  const deadline = Date.now() + 5000;
  let m;
  for (;;) {
    const outer = await iframe.evaluate((el) => el.getBoundingClientRect().height);
    const inner = await frame.evaluate(() => ({
      scrollHeight: document.documentElement.scrollHeight,
      clientHeight: document.documentElement.clientHeight,
      // The height of the content itself, which does not stretch to the
      // frame's viewport like scrollHeight does.
      content: Math.ceil(document.body.getBoundingClientRect().bottom + window.scrollY),
    }));
    m = { outer, ...inner };
    const fits = Math.abs(outer - inner.scrollHeight) <= 3 && inner.scrollHeight <= inner.clientHeight + 2 &&
      Math.abs(outer - inner.content) <= 3;
    if (fits) return m;
    if (Date.now() > deadline) break;
    await page.waitForTimeout(100);
  }
  throw new Error(`${label}: the iframe is ${m.outer}px tall but its document is ${m.scrollHeight}px ` +
    `(viewport ${m.clientHeight}px, content ${m.content}px)`);
}

// expectFrameTopVisible waits until the iframe's top edge is inside the
// window, where embed.js scrolls it after a step change.
async function expectFrameTopVisible(page, label) {
  await page.waitForFunction((sel) => {
    const top = document.querySelector(sel).getBoundingClientRect().top;
    return top >= -2 && top < window.innerHeight;
  }, frameSelector, { timeout: 5000 }).catch(async () => {
    const top = await page.locator(frameSelector).evaluate((el) => el.getBoundingClientRect().top);
    throw new Error(`${label}: the iframe's top is at ${top}px, out of the window`);
  });
}

// scrollPastFrameTop scrolls the host page so the frame's top is above the
// window, as after a citizen scrolls down to a step's buttons.
async function scrollPastFrameTop(page) {
  await page.locator(frameSelector).evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY + 400));
  const top = await page.locator(frameSelector).evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(top < 0, `the host page cannot scroll past the frame's top (top ${top}px)`);
}

// checkFrameA11y runs axe on the document inside the frame; on failure it
// saves the whole host page, where the frame is seen in context.
async function checkFrameA11y(page, frame, label) {
  const violations = await axeViolations(frame);
  if (violations.length === 0) return;
  const files = await captureFailure(page, label);
  throw new Error(`${label}: ${violations.length} accessibility violation(s) in the frame at ${frame.url()}\n` +
    `${formatViolations(violations)}\n  saved: ${files.join(', ')}`);
}

// expectEmbedPage checks a page of the flow shown in the frame: embed mode
// in its URL, one <h1>, a <main>, no site header, footer or breadcrumb.
async function expectEmbedPage(frame, label) {
  assert.match(frame.url(), /[?&]embed=1(&|$)|\/embed\//, `${label}: the frame left embed mode: ${frame.url()}`);
  assert.equal(await frame.locator('h1').count(), 1, `${label}: expected one <h1>`);
  assert.equal(await frame.locator('main').count(), 1, `${label}: expected one <main>`);
  const chrome = await frame.evaluate(() => [...document.querySelectorAll('header, footer, .breadcrumb, [class*="breadcrumb"]')]
    .filter((el) => !el.closest('main')).map((el) => el.tagName.toLowerCase() + (el.className ? `.${el.className}` : '')));
  assert.deepEqual(chrome, [], `${label}: the embedded page draws the site's chrome`);
  // Every web link and form either stays in the flow (embed=1, no cookie
  // needed) or opens a window of its own; none loads another page into
  // the frame without embed mode, or another site that may refuse frames.
  const strays = await frame.evaluate(() => {
    const inFlow = (u) => new URL(u, document.baseURI).searchParams.get('embed') === '1';
    // mailto: and tel: links open another program, not a page.
    const web = (a) => /^https?:$/.test(a.protocol) && !a.getAttribute('href').startsWith('#');
    const links = [...document.querySelectorAll('a[href]')]
      .filter((a) => web(a) && a.target !== '_blank' && !inFlow(a.href))
      .map((a) => `link ${a.getAttribute('href')}`);
    const forms = [...document.querySelectorAll('form')]
      .filter((f) => f.target !== '_blank' && !inFlow(f.action))
      .map((f) => `form ${f.getAttribute('action')}`);
    return [...links, ...forms];
  });
  assert.deepEqual(strays, [], `${label}: links or forms that leave embed mode inside the frame`);
}

describe('embedding with embed.js', () => {
  test('the browser blocks third-party cookies (probe, with an allowing browser as control)', async () => {
    const allowing = await launchWithThirdPartyCookies({ block: false });
    try {
      assert.deepEqual(await probeThirdPartyCookies(allowing, host), { sent: true, scriptCookie: true },
        'control: with third-party cookies allowed the probe must see its cookie');
    } finally {
      await allowing.close();
    }
    assert.deepEqual(await probeThirdPartyCookies(browser, host), { sent: false, scriptCookie: false },
      'third-party cookies are not blocked');
  });

  test('the citizen completes the flow inside the frame; the frame follows its content', async () => {
    const page = await browser.newPage();
    const consoleErrors = watchConsole(page, { ignore: /\/favicon\.ico\)$|status of 422 \(Unprocessable/ });
    const topNavigations = [];
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) topNavigations.push(f.url()); });
    const popups = [];
    page.on('popup', (p) => popups.push(p.url()));
    await withFailureCapture(page, 'embed-flow', async () => {
      // Query parameters of the host page are not the form's business.
      const hostURL = host.url('/?tipo=rifiuti&nome=Mario');
      await page.goto(hostURL);
      const frame = await frameOf(page);
      assert.equal(await page.locator('a[data-modulario-fallback]').count(), 0, 'the fallback link is still there');
      const iframe = page.locator(frameSelector);
      const src = await iframe.getAttribute('src');
      assert.equal(src, `${server.baseURL}/embed/${flow.slug}`, 'iframe src');
      assert.match(await iframe.getAttribute('title') ?? '', new RegExp(`${flow.title}|Modulo ${flow.slug}`), 'iframe title');
      assert.equal(await page.locator('#titolo-ospite').innerText(), flow.title, "the host page's own heading is gone");
      assert.ok(await page.locator('#testo-sotto').isVisible(), "the host page's text below the form is gone");

      // The start: the privacy notice with the consent, the form title as h1.
      assert.match(await frame.locator('h1').innerText(), new RegExp(flow.title));
      await expectEmbedPage(frame, 'privacy');
      const privacy = await expectFrameFitsContent(page, frame, 'privacy');
      assert.ok(privacy.outer > 300, `the iframe kept its default height (${privacy.outer}px)`);
      await checkFrameA11y(page, frame, 'embed privacy');

      let res = await clickButton(frame, 'Avanti');
      assert.equal(res.status(), 422, 'privacy without consent must be refused');
      await frame.locator('.alert-danger').waitFor();
      const privacyError = await expectFrameFitsContent(page, frame, 'privacy with error');
      assert.ok(privacyError.outer > privacy.outer, `the error did not make the frame taller (${privacy.outer} → ${privacyError.outer}px)`);

      await fillField(frame, consent, true);
      res = await clickButton(frame, 'Avanti');
      assert.equal(res.status(), 200);
      await expectEmbedPage(frame, 'step 1');
      const step = await expectFrameFitsContent(page, frame, 'step 1');

      // An empty step shows the error summary inside the frame; the host
      // page is scrolled past the frame's top first, and the step change
      // brings the frame's top back into view.
      await scrollPastFrameTop(page);
      res = await clickButton(frame, 'Avanti');
      assert.equal(res.status(), 422, 'an empty first step must be refused');
      assert.match(await frame.locator('.alert-danger').innerText(), /error/i);
      assert.ok(await frame.locator('[aria-invalid="true"]').count() > 0, 'no field marked aria-invalid');
      await expectFrameTopVisible(page, 'step 1 with errors');
      const stepError = await expectFrameFitsContent(page, frame, 'step 1 with errors');
      assert.ok(stepError.outer > step.outer, `the errors did not make the frame taller (${step.outer} → ${stepError.outer}px)`);
      await expectEmbedPage(frame, 'step 1 with errors');
      await checkFrameA11y(page, frame, 'embed step 1 with errors');

      for (const [i, fields] of flow.steps.entries()) {
        for (const [label, value] of fields) await fillField(frame, label, value);
        res = await clickButton(frame, 'Avanti');
        assert.equal(res.status(), 200, `step ${i + 1} was refused: ${await frame.locator('.alert-danger').allInnerTexts()}`);
        await expectEmbedPage(frame, `after step ${i + 1}`);
        const next = await expectFrameFitsContent(page, frame, `after step ${i + 1}`);
        if (i === 0) assert.ok(next.outer < stepError.outer, `the frame did not shrink for a shorter page (${stepError.outer} → ${next.outer}px)`);
      }

      assert.match(frame.url(), /\/riepilogo/);
      const review = await frame.locator('main').innerText();
      for (const v of flow.review) assert.ok(review.includes(v), `review lacks ${v}`);
      await checkFrameA11y(page, frame, 'embed review');

      await clickButton(frame, 'Conferma e invia');
      assert.match(frame.url(), /\/pratiche\/[\w-]+\/ricevuta/);
      await expectEmbedPage(frame, 'receipt');
      const receipt = await frame.locator('main').innerText();
      assert.match(receipt, numberPattern, `no request number on the receipt: ${receipt.slice(0, 300)}`);
      await expectFrameFitsContent(page, frame, 'receipt');
      await checkFrameA11y(page, frame, 'embed receipt');

      // Links that leave the flow open a window of their own and say so.
      const tracking = frame.locator('main a[href*="/pratiche/"]:not([href*="ricevuta"])').first();
      assert.equal(await tracking.getAttribute('target'), '_blank', 'the tracking link opens inside the frame');
      assert.match(await tracking.getAttribute('rel') ?? '', /noopener/);
      assert.match(await tracking.innerText(), /si apre in una nuova finestra/);

      // embed.js ignores a resize message that does not come from its frame.
      const before = await iframe.evaluate((el) => el.getBoundingClientRect().height);
      await page.evaluate(() => new Promise((resolve) => {
        window.postMessage({ type: 'modulario:resize', height: 42 }, '*');
        // Messages are delivered in order: once this one arrives, embed.js
        // has handled the forged one.
        window.addEventListener('message', (e) => { if (e.data === 'h7-sentinel') resolve(); });
        window.postMessage('h7-sentinel', '*');
      }));
      assert.equal(await iframe.evaluate((el) => el.getBoundingClientRect().height), before,
        'a message from the host window resized the frame');

      // Nothing of the flow reached the host page's address bar, and no
      // cookie could be kept for Modulario's site.
      assert.deepEqual(topNavigations, [hostURL], 'the top-level page navigated');
      assert.equal(page.url(), hostURL);
      assert.deepEqual(popups, []);
      assert.equal(await frame.evaluate(() => {
        document.cookie = 'embed_probe=1; SameSite=None; Secure; Path=/';
        return document.cookie.includes('embed_probe');
      }), false, 'a cookie written in the Modulario frame persisted');
      assert.deepEqual((await page.context().cookies(server.baseURL)).map((c) => c.name), [], 'cookies stored for Modulario');
      assert.deepEqual(consoleErrors(), [], 'console errors (CSP violations, failed loads)');

      await fsp.mkdir(resultsDir, { recursive: true });
      await page.screenshot({ path: path.join(resultsDir, 'embed-host-receipt.png'), fullPage: true });
    });
    await page.close();
  });

  test('without JavaScript the host page keeps the fallback link', async () => {
    const page = await browserNoJS.newPage();
    await withFailureCapture(page, 'embed-nojs', async () => {
      await page.goto(host.url('/'));
      const fallback = page.locator(`a[data-modulario-fallback="${flow.slug}"]`);
      assert.ok(await fallback.isVisible(), 'the fallback link is not visible');
      assert.equal(await fallback.getAttribute('href'), `${server.baseURL}/servizi/${flow.slug}`);
      assert.equal(await page.locator('iframe').count(), 0);
      await Promise.all([page.waitForNavigation(), fallback.click()]);
      assert.equal(page.url(), `${server.baseURL}/servizi/${flow.slug}`);
      assert.match(await page.locator('h1').innerText(), new RegExp(flow.title));
    });
    await page.close();
  });

  test('embed.js is served at its fixed URL with a short cache', async () => {
    const res = await fetch(`${server.baseURL}/embed.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
    assert.match(await res.text(), /modulario:resize/);
  });

  test('several snippets on one page each get their own frame', async () => {
    const other = scenarios.find((s) => s.slug === 'richiesta-assistenza');
    host.page('/due', { title: 'Servizi online', forms: [flow, other] });
    const page = await browser.newPage();
    const consoleErrors = watchConsole(page);
    await withFailureCapture(page, 'embed-two', async () => {
      await page.goto(host.url('/due'));
      // Each frame is checked against its own content: two privacy notices
      // may happen to be equally tall, so the heights are not compared.
      for (const s of [flow, other]) {
        const selector = `iframe[data-modulario-frame="${s.slug}"]`;
        const frame = await frameOf(page, selector);
        assert.match(await frame.locator('h1').innerText(), new RegExp(s.title));
        assert.equal(await page.locator(`a[data-modulario-fallback="${s.slug}"]`).count(), 0, `${s.slug}: fallback link left`);
        await expectFrameFitsContent(page, frame, s.slug, selector);
      }
      assert.equal(await page.locator('iframe').count(), 2);
      assert.deepEqual(consoleErrors(), [], 'console errors (CSP violations, failed loads)');
    });
    await page.close();
  });

  test('a site not in the allowlist cannot frame the form', async () => {
    const embedRes = await fetch(`${server.baseURL}/embed/${flow.slug}`);
    const csp = embedRes.headers.get('content-security-policy') ?? '';
    assert.match(csp, new RegExp(`frame-ancestors ${host.origin}(;|\\s|$)`), `embed CSP: ${csp}`);
    assert.ok(!csp.includes(stranger.origin), `the other site is allowed: ${csp}`);
    const serviceRes = await fetch(`${server.baseURL}/servizi/${flow.slug}`);
    assert.match(serviceRes.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/,
      'a page outside embed mode can be framed');

    const page = await browser.newPage();
    const consoleErrors = watchConsole(page);
    await withFailureCapture(page, 'embed-stranger', async () => {
      await page.goto(stranger.url('/'));
      const iframe = page.locator(frameSelector);
      await iframe.waitFor({ state: 'attached' });
      await waitForMessage(consoleErrors, /frame-ancestors/, 'no frame-ancestors violation reported');
      const frame = await (await iframe.elementHandle()).contentFrame();
      assert.equal(await frame.locator('main h1').count(), 0, 'the frame shows Modulario on a site not in the allowlist');
      assert.match(frame.url(), /^chrome-error:/, 'the frame is not the browser\'s error page');
    });
    await page.close();
  });

  test('the allowed site cannot frame a page outside embed mode', async () => {
    const page = await browser.newPage();
    const consoleErrors = watchConsole(page);
    await withFailureCapture(page, 'embed-not-embed-page', async () => {
      await page.goto(host.url('/'));
      await frameOf(page);
      // DevTools evaluation is not bound by the host page's CSP, which
      // allows frames of Modulario anyway.
      await page.evaluate((src) => {
        const f = document.createElement('iframe');
        f.id = 'diretto';
        f.title = 'Pagina del servizio';
        f.src = src;
        document.querySelector('main').append(f);
      }, `${server.baseURL}/servizi/${flow.slug}`);
      await waitForMessage(consoleErrors, /frame-ancestors 'none'/, "no frame-ancestors 'none' violation reported");
      const frame = await (await page.locator('#diretto').elementHandle()).contentFrame();
      assert.equal(await frame.locator('main h1').count(), 0, 'the service page was framed');
      assert.match(frame.url(), /^chrome-error:/, 'the frame is not the browser\'s error page');
    });
    await page.close();
  });

  test('data-parametri presets a field declared prefill, and only with a valid value', async () => {
    host.page('/perdite', { slug: flow.slug, title: 'Segnala una perdita d\'acqua', parametri: 'tipo=perdita' });
    host.page('/sbagliato', { slug: flow.slug, title: flow.title, parametri: 'tipo=allagamento&luogo%2Fvia=Via+Roma' });
    const page = await browser.newPage();
    await withFailureCapture(page, 'embed-prefill', async () => {
      await page.goto(host.url('/perdite'));
      let frame = await frameOf(page);
      const src = new URL(await page.locator(frameSelector).getAttribute('src'));
      assert.equal(`${src.origin}${src.pathname}`, `${server.baseURL}/embed/${flow.slug}`);
      assert.equal(src.searchParams.get('tipo'), 'perdita', `data-parametri not carried: ${src}`);
      await fillField(frame, consent, true);
      await clickButton(frame, 'Avanti');
      assert.equal(await (await fieldByLabel(frame, "Perdita d'acqua")).isChecked(), true, 'the supply type is not preselected');
      await expectEmbedPage(frame, 'prefilled step');

      // A value the field does not accept, and a field not open to links,
      // are dropped: nothing is preselected.
      await page.goto(host.url('/sbagliato'));
      frame = await frameOf(page);
      await fillField(frame, consent, true);
      await clickButton(frame, 'Avanti');
      const checked = await frame.locator('input[type="radio"]:checked').count();
      assert.equal(checked, 0, 'an invalid prefill value preselected a choice');
      assert.equal(await (await fieldByLabel(frame, 'Via o piazza')).inputValue(), '', 'a field not declared prefill was preset');
    });
    await page.close();
  });

  test('the embedded start passes axe without JavaScript at the top level', async () => {
    const plain = await launchBrowser({ javaScript: false });
    try {
      const page = await plain.newPage();
      const res = await page.goto(`${server.baseURL}/embed/${flow.slug}`);
      assert.equal(res.status(), 200);
      assert.match(await page.locator('h1').innerText(), new RegExp(flow.title));
      await checkA11yWithoutJS(page, 'embed start nojs');
    } finally {
      await plain.close();
    }
  });
});

// waitForMessage waits until a console message matching re was recorded.
async function waitForMessage(messages, re, failure) {
  const deadline = Date.now() + 5000;
  while (!messages().some((m) => re.test(m))) {
    if (Date.now() > deadline) throw new Error(`${failure}; console: ${messages().join(' | ') || 'nothing'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
