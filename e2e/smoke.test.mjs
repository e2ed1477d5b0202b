// Smoke test of the real server: the home page (list of services) answers,
// is accessible, and every asset it links to loads.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  expectAssetsLoad, expectNoAxeViolations, launchBrowser, startServer, watchConsole, withFailureCapture,
} from './lib.mjs';

describe('home page', () => {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('answers 200 with a heading and no accessibility violations', async () => {
    const page = await browser.newPage();
    const consoleErrors = watchConsole(page);
    const res = await page.goto(`${server.baseURL}/`);
    assert.equal(res.status(), 200);
    await withFailureCapture(page, 'smoke-home', async () => {
      assert.ok(await page.locator('h1').count() >= 1, 'the page has no <h1>');
      assert.notEqual((await page.locator('h1').first().innerText()).trim(), '', 'the <h1> is empty');
      assert.equal(await page.locator('html').getAttribute('lang'), 'it');
      await expectNoAxeViolations(page, 'smoke-home');
      assert.deepEqual(consoleErrors(), [], 'console errors (CSP violations, failed loads)');
    });
  });

  test('every asset linked from the home page loads', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.baseURL}/`);
    const checked = await expectAssetsLoad(page);
    assert.ok(checked.some((u) => /\/static\/css\/bootstrap-italia\.min\.[0-9a-f]{10}\.css$/.test(u)),
      `Bootstrap Italia is not linked: ${checked.join(', ')}`);
    assert.ok(checked.some((u) => u.endsWith('.woff2')), `no font reached from the stylesheets: ${checked.join(', ')}`);
  });
});
