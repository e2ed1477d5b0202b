// The pages around the flows: legal pages, the resume-later page, error
// pages and the English catalogue, each free of axe violations.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  clickButton, expectNoAxeViolations, fillField, withFailureCapture, useDemoSite,
} from './lib.mjs';

const site = useDemoSite();

describe('pages around the flows', () => {
  for (const [path, status, heading] of [
    ['/privacy', 200, /privacy/i],
    ['/accessibilita', 200, /accessibilit/i],
    ['/note-legali', 200, /note legali/i],
    ['/servizi/non-esiste', 404, /non trovat/i],
    ['/pratiche/token-inventato', 404, /non trovat/i],
  ]) {
    test(`${path} answers ${status} and is accessible`, async () => {
      const page = await site.browser.newPage();
      await withFailureCapture(page, `page${path}`, async () => {
        const res = await page.goto(`${site.server.baseURL}${path}`);
        assert.equal(res.status(), status);
        assert.match(await page.locator('h1').innerText(), heading);
        assert.ok(await page.locator('[data-element="privacy-policy-link"]').count() === 1, 'footer privacy link');
        assert.ok(await page.locator('[data-element="accessibility-link"]').count() === 1, 'footer accessibility link');
        await expectNoAxeViolations(page, `page${path}`);
      });
      await page.context().close();
    });
  }

  test('"Salva e continua dopo" gives a resume link that brings the answers back', async () => {
    const page = await site.browser.newPage();
    await withFailureCapture(page, 'resume', async () => {
      await page.goto(`${site.server.baseURL}/servizi/richiesta-assistenza/privacy`);
      await fillField(page, "Ho letto e compreso l'informativa sulla privacy", true);
      await clickButton(page, 'Avanti');
      await fillField(page, 'Nome', 'Giulia');
      await clickButton(page, 'Salva e continua dopo');
      await expectNoAxeViolations(page, 'resume-saved');
      const link = await page.locator('main a[href*="/passo/"]').first().getAttribute('href');
      assert.ok(link, 'no resume link on the page');
      const other = await site.browser.newPage({ javaScript: false });
      await other.goto(link);
      assert.equal(await (await other.getByLabel(/^Nome/)).inputValue(), 'Giulia');
      await other.context().close();
    });
    await page.context().close();
  });

  test('the English catalogue is complete on the service page and the first step', async () => {
    const page = await site.browser.newPage({ locale: 'en-GB' });
    await withFailureCapture(page, 'english', async () => {
      await page.goto(`${site.server.baseURL}/servizi/richiesta-assistenza?lang=en`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await clickButton(page, 'Fill in the form');
      await expectNoAxeViolations(page, 'english-privacy');
      const res = await clickButton(page, 'Next');
      assert.equal(res.status(), 422);
      assert.match(await page.locator('.alert-danger').innerText(), /error/i);
      await expectNoAxeViolations(page, 'english-privacy-error');
    });
    await page.context().close();
  });
});
