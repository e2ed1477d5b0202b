// The rating at the end of a flow (Designers Italia C.SE.1.7), as a citizen
// gives it in Chromium: stars on the receipt, then the follow-up question
// that depends on them, then the thank-you page. With JavaScript off and on;
// axe-core checks the follow-up and thank-you pages.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  clickButton, expectNoAxeViolations, fillField, watchConsole, withFailureCapture, useDemoSite,
} from './lib.mjs';
import { scenarios } from './scenarios.mjs';

const assistenza = scenarios.find((s) => s.slug === 'richiesta-assistenza');

const site = useDemoSite();

// submitRequest completes the one-step assistance request and leaves the
// page on its receipt.
async function submitRequest(page) {
  await page.goto(`${site.server.baseURL}/servizi/${assistenza.slug}/privacy`);
  await fillField(page, "Ho letto e compreso l'informativa sulla privacy", true);
  await clickButton(page, 'Avanti');
  for (const [label, value] of assistenza.steps[0]) await fillField(page, label, value);
  await clickButton(page, 'Avanti');
  await clickButton(page, 'Conferma e invia');
  assert.match(page.url(), /\/pratiche\/[\w-]+\/ricevuta/);
}

// rate gives `stars` on the receipt and checks the follow-up question.
async function rate(page, stars, branch, question) {
  const feedback = page.locator('[data-element="feedback"]');
  assert.match(await feedback.locator('[data-element="feedback-title"]').innerText(), /Quanto è stato facile/);
  // Bootstrap Italia moves the radio off screen; a person clicks its star.
  await page.locator(`label[for="star${stars}"]`).click();
  assert.ok(await page.getByLabel(`Valuta ${stars} stelle su 5`, { exact: true }).isChecked(), `${stars} stars not chosen`);
  const res = await clickButton(page, 'Avanti');
  assert.equal(res.status(), 200);
  await page.locator(`[data-element="feedback-rating-${branch}"]`).waitFor();
  assert.equal(await page.locator('[data-element="feedback-rating-question"]').innerText(), `${question} *`);
  assert.equal(await page.locator('[data-element="feedback-rating-answer"]').count(), 5);
}

async function runRating(js) {
  const page = await site.browser.newPage({ javaScript: js });
  const consoleErrors = watchConsole(page, { ignore: /\/favicon\.ico\)$|status of (409|422) / });
  const tag = `rating-${js ? 'js' : 'nojs'}`;
  await withFailureCapture(page, tag, async () => {
    await submitRequest(page);
    const receiptURL = page.url();

    // No stars: the receipt again, with the error summary.
    let res = await clickButton(page, 'Avanti');
    assert.equal(res.status(), 422);
    assert.match(await page.locator('.alert-danger').innerText(), /da 1 a 5/);
    if (js) await expectNoAxeViolations(page, `${tag} stars with error`);

    await rate(page, 5, 'positive', 'Quali sono stati gli aspetti che hai preferito?');
    if (js) await expectNoAxeViolations(page, `${tag} follow-up`);

    // Send without choosing an answer: refused, the comment is kept.
    await fillField(page, 'Vuoi aggiungere un commento? (facoltativo)', 'Molto semplice');
    res = await clickButton(page, 'Invia');
    assert.equal(res.status(), 422);
    assert.match(await page.locator('.alert-danger').innerText(), /Scegli una delle risposte/);
    assert.ok(await page.locator('[aria-invalid="true"]').count() > 0, 'no answer marked aria-invalid');
    assert.equal(await page.getByLabel('Vuoi aggiungere un commento? (facoltativo)').inputValue(), 'Molto semplice');
    if (js) await expectNoAxeViolations(page, `${tag} follow-up with error`);

    await fillField(page, 'Le indicazioni erano chiare', true);
    res = await clickButton(page, 'Invia');
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('h1').innerText(), 'Grazie per la tua valutazione');
    if (js) await expectNoAxeViolations(page, `${tag} thanks`);

    // Rating the same request again ends on the "already sent" page.
    await page.goto(receiptURL);
    await rate(page, 2, 'negative', 'Dove hai incontrato le maggiori difficoltà?');
    await fillField(page, 'Ho avuto problemi tecnici', true);
    res = await clickButton(page, 'Invia');
    assert.equal(res.status(), 409);
    assert.match(await page.locator('main').innerText(), /Hai già inviato una valutazione/);
    if (js) await expectNoAxeViolations(page, `${tag} already rated`);
    assert.deepEqual(consoleErrors(), [], 'console errors (CSP violations, failed loads)');
  });
  await page.context().close();
}

describe('rating', () => {
  test('rates a request with JavaScript off', () => runRating(false));
  test('rates a request with JavaScript on, free of axe violations', () => runRating(true));
});
