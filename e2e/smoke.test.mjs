// Smoke test of the real server: the home page (list of services) answers,
// is accessible, and every asset it links to loads.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  expectAssetsLoad, expectNoAxeViolations, watchConsole, withFailureCapture, useDemoSite,
} from './lib.mjs';

describe('home page', () => {
  const site = useDemoSite();

  test('answers 200 with a heading and no accessibility violations', async () => {
    const page = await site.browser.newPage();
    const consoleErrors = watchConsole(page);
    const res = await page.goto(`${site.server.baseURL}/`);
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
    const page = await site.browser.newPage();
    await page.goto(`${site.server.baseURL}/`);
    const checked = await expectAssetsLoad(page);
    assert.ok(checked.some((u) => /\/static\/css\/bootstrap-italia\.min\.[0-9a-f]{10}\.css$/.test(u)),
      `Bootstrap Italia is not linked: ${checked.join(', ')}`);
    assert.ok(checked.some((u) => u.endsWith('.woff2')), `no font reached from the stylesheets: ${checked.join(', ')}`);
  });
});
