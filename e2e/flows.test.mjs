// Every demo service, end to end, as a citizen does it in Chromium: with
// JavaScript on (axe-core on every page, including pages with errors) and
// with JavaScript off (the flow must still complete).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { before, describe, test } from 'node:test';
import {
  clickButton, expectNoAxeViolations, fillField, pickSlot, watchConsole, withFailureCapture, useDemoSite,
} from './lib.mjs';
import { scenarios } from './scenarios.mjs';

const numberPattern = /\b\d{4}-\d{7}\b/;

const site = useDemoSite();
before(() => {
  if (process.env.E2E_SCREENSHOTS) fs.mkdirSync('test-results/pages', { recursive: true });
});

// check runs axe when JavaScript is on (axe needs it) and always checks
// that the page has exactly one <h1>.
// With E2E_SCREENSHOTS=1 every checked page is saved under test-results/pages/.
async function check(page, label, js) {
  if (process.env.E2E_SCREENSHOTS) {
    await page.screenshot({ path: `test-results/pages/${label.replace(/[^\w.-]+/g, '_')}.png`, fullPage: true });
  }
  assert.equal(await page.locator('h1').count(), 1, `${label}: expected one <h1>`);
  if (js) await expectNoAxeViolations(page, label);
}

// fillStep fills one step; ['@slot'] books with the appointment picker,
// running onStage on each of its pages.
async function fillStep(page, fields, onStage) {
  for (const [label, value] of fields) {
    if (label === '@slot') await pickSlot(page, { onStage });
    else await fillField(page, label, value);
  }
}

async function runFlow(s, js) {
  const page = await site.browser.newPage({ javaScript: js });
  // The pages that show validation errors answer 422 on purpose; Chromium
  // logs every 4xx document as a failed load.
  const consoleErrors = watchConsole(page, { ignore: /\/favicon\.ico\)$|status of 422 \(Unprocessable/ });
  const tag = `${s.slug}-${js ? 'js' : 'nojs'}`;
  await withFailureCapture(page, tag, async () => {
    await page.goto(`${site.server.baseURL}/`);
    await check(page, `${tag} service list`, js);
    await page.getByRole('link', { name: s.title, exact: true }).click();
    await page.waitForURL(`**/servizi/${s.slug}`);
    await check(page, `${tag} service page`, js);

    await clickButton(page, 'Compila il modulo');
    await check(page, `${tag} privacy`, js);
    let res = await clickButton(page, 'Avanti');
    assert.equal(res.status(), 422, 'privacy without consent must be refused');
    await page.locator('.alert-danger').waitFor();
    await check(page, `${tag} privacy with error`, js);
    await fillField(page, "Ho letto e compreso l'informativa sulla privacy", true);
    res = await clickButton(page, 'Avanti');
    assert.equal(res.status(), 200);

    // An empty first step shows the error summary and inline errors.
    res = await clickButton(page, 'Avanti');
    assert.equal(res.status(), 422, 'an empty first step must be refused');
    assert.match(await page.locator('.alert-danger').innerText(), /error/i);
    assert.ok(await page.locator('[aria-invalid="true"]').count() > 0, 'no field marked aria-invalid');
    await check(page, `${tag} step 1 with errors`, js);

    for (const [i, fields] of s.steps.entries()) {
      await fillStep(page, fields, (n) => n < 3 && check(page, `${tag} step ${i + 1} picker ${n}`, js));
      await check(page, `${tag} step ${i + 1}`, js);
      res = await clickButton(page, 'Avanti');
      assert.equal(res.status(), 200, `step ${i + 1} was refused: ${await page.locator('.alert-danger').allInnerTexts()}`);
    }

    assert.match(page.url(), /\/riepilogo/);
    const review = await page.locator('main').innerText();
    for (const v of s.review) assert.ok(review.includes(v), `review lacks ${v}`);
    assert.match(review, /valore di dichiarazione/);
    await check(page, `${tag} review`, js);

    await clickButton(page, 'Conferma e invia');
    assert.match(page.url(), /\/pratiche\/[\w-]+\/ricevuta/);
    const receipt = await page.locator('main').innerText();
    const number = receipt.match(numberPattern)?.[0];
    assert.ok(number, `no request number on the receipt: ${receipt.slice(0, 300)}`);
    await check(page, `${tag} receipt`, js);

    // The tracking page, not the receipt nor an appointment's ICS file.
    const tracking = page.locator('a[href*="/pratiche/"]:not([href*="ricevuta"]):not([href*="/appuntamenti/"])').first();
    await Promise.all([page.waitForNavigation(), tracking.click()]);
    const status = await page.locator('main').innerText();
    assert.ok(status.includes(number), 'tracking page lacks the request number');
    assert.match(status, /Ricevuta/);
    await check(page, `${tag} tracking`, js);
    assert.deepEqual(consoleErrors(), [], 'console errors (CSP violations, failed loads)');
  });
  await page.context().close();
}

for (const s of scenarios) {
  describe(s.slug, () => {
    test('completes with JavaScript on, every page free of axe violations', () => runFlow(s, true));
    test('completes with JavaScript off', () => runFlow(s, false));
  });
}

describe('conditional fields and editing', () => {
  test('a field governed by an answer on the same step shows and hides live', async () => {
    const page = await site.browser.newPage();
    await withFailureCapture(page, 'conditional-live', async () => {
      await page.goto(`${site.server.baseURL}/servizi/segnalazione-disservizio/privacy`);
      await fillField(page, "Ho letto e compreso l'informativa sulla privacy", true);
      await clickButton(page, 'Avanti');
      const specifica = page.getByLabel(/Specifica il tipo di problema/);
      await assert.rejects(specifica.waitFor({ state: 'visible', timeout: 500 }), 'shown before choosing "Altro"');
      await fillField(page, 'Altro', true);
      await specifica.waitFor({ state: 'visible' });
      // The note for pages without JavaScript stays hidden once the script runs.
      assert.equal(await page.getByText('Da compilare solo se hai scelto «Altro»').isVisible(), false, 'note shown with JavaScript');
      await fillField(page, 'Rifiuti', true);
      await specifica.waitFor({ state: 'hidden' });
      await expectNoAxeViolations(page, 'conditional-live');
    });
    await page.context().close();
  });

  test('without JavaScript the governed field is on the page and a stale answer is dropped', async () => {
    const page = await site.browser.newPage({ javaScript: false });
    await withFailureCapture(page, 'conditional-nojs', async () => {
      await page.goto(`${site.server.baseURL}/servizi/segnalazione-disservizio/privacy`);
      await fillField(page, "Ho letto e compreso l'informativa sulla privacy", true);
      await clickButton(page, 'Avanti');
      const main = await page.locator('main').innerText();
      assert.match(main, /Da compilare solo se hai scelto «Altro» in «Tipo di disservizio»/);
      assert.match(main, /Specifica il tipo di problema \*/);
      const [first, second] = scenarios.find((s) => s.slug === 'segnalazione-disservizio').steps;
      await fillStep(page, first.filter(([l]) => l !== 'Illuminazione pubblica'));
      await fillField(page, 'Rifiuti', true);
      await fillField(page, 'Specifica il tipo di problema', 'testo rimasto da una scelta precedente');
      await clickButton(page, 'Avanti');
      await fillStep(page, second);
      await clickButton(page, 'Avanti');
      const review = await page.locator('main').innerText();
      assert.match(review, /Rifiuti/);
      assert.ok(!review.includes('testo rimasto'), 'the hidden answer reached the review');

      // Back and edit: "Modifica" on the first step, change the choice: "Avanti" returns
      // straight to the review, the second step being still valid.
      await page.getByRole('link', { name: /Modifica/ }).first().click();
      await page.waitForURL(/passo\/1/);
      await fillField(page, 'Verde pubblico', true);
      await clickButton(page, 'Avanti');
      await page.waitForURL(/riepilogo/);
      assert.match(await page.locator('main').innerText(), /Verde pubblico/);
    });
    await page.context().close();
  });
});
