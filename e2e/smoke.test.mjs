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

  // axe reports text over a background it cannot resolve as "incomplete",
  // not as a violation: check the header links' contrast by hand.
  test('the header links are readable on the header background (WCAG 1.4.3)', async () => {
    const page = await site.browser.newPage();
    await page.goto(`${site.server.baseURL}/`);
    const found = await page.evaluate(() => {
      const rgb = (s) => s.match(/[\d.]+/g).map(Number);
      const lum = ([r, g, b]) => {
        const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
      };
      const background = (el) => {
        for (; el; el = el.parentElement) {
          const c = rgb(getComputedStyle(el).backgroundColor);
          if (c.length < 4 || c[3] > 0) return c;
        }
        return [255, 255, 255];
      };
      return [...document.querySelectorAll('header a')].filter((a) => a.offsetWidth > 0).map((a) => {
        const [l1, l2] = [lum(rgb(getComputedStyle(a).color)), lum(background(a))].sort((x, y) => y - x);
        return { text: a.innerText.trim(), ratio: (l1 + 0.05) / (l2 + 0.05) };
      });
    });
    assert.ok(found.some((l) => l.text === 'Servizi'), `no "Servizi" link in the header: ${JSON.stringify(found)}`);
    for (const l of found.filter((x) => x.text)) {
      assert.ok(l.ratio >= 4.5, `header link "${l.text}" has contrast ${l.ratio.toFixed(2)}:1`);
    }
    await page.context().close();
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
