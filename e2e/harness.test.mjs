// Self-test of the browser harness against fixture.mjs (no Go server):
// Chromium launches, axe runs under a strict CSP and reports violations
// readably with a screenshot, the form helpers work, JavaScript can be off.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { distDir, startFixture } from './fixture.mjs';
import {
  checkA11y, clickButton, expectAssetsLoad, fillField, launchBrowser, resultsDir, watchConsole,
} from './lib.mjs';

const haveAssets = fs.existsSync(path.join(distDir, 'css', 'bootstrap-italia.min.css'));

describe('browser harness', { skip: haveAssets ? false : 'run make assets first' }, () => {
  let fixture;
  let browser;
  before(async () => {
    fixture = await startFixture();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await fixture?.stop();
  });

  test('a Bootstrap Italia page passes axe and loads its fonts', async () => {
    const page = await browser.newPage();
    const errors = watchConsole(page);
    await page.goto(`${fixture.baseURL}/`);
    await checkA11y(page, 'selftest-good');
    const fonts = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => f.status === 'loaded').map((f) => `${f.family} ${f.weight}`);
    });
    assert.ok(fonts.some((f) => f.includes('Titillium Web')), `Titillium Web not loaded: ${fonts}`);
    const checked = await expectAssetsLoad(page);
    assert.ok(checked.some((u) => u.endsWith('.woff2')), `fonts not checked: ${checked}`);
    assert.deepEqual(errors(), []);
  });

  test('violations fail with a readable list and a screenshot', async () => {
    const page = await browser.newPage();
    await page.goto(`${fixture.baseURL}/bad`);
    const shot = path.join(resultsDir, 'selftest-bad.png');
    fs.rmSync(shot, { force: true });
    await assert.rejects(checkA11y(page, 'selftest-bad'), (err) => {
      assert.match(err.message, /image-alt \(critical\)/);
      assert.match(err.message, /label \(critical\)/);
      assert.match(err.message, /#senza-etichetta/);
      return true;
    });
    assert.ok(fs.statSync(shot).size > 1000, 'no screenshot saved');
  });

  test('CSP stays enforced: inline scripts are blocked and reported', async () => {
    const page = await browser.newPage();
    const errors = watchConsole(page);
    await page.goto(`${fixture.baseURL}/inline`);
    assert.equal(await page.locator('h1').innerText(), 'Originale');
    assert.ok(errors().some((e) => e.includes('Content Security Policy')), `no CSP report: ${errors()}`);
    await checkA11y(page, 'selftest-inline');
  });

  test('javaScript: false turns scripts off', async () => {
    const off = await browser.newPage({ javaScript: false });
    await off.goto(`${fixture.baseURL}/js`);
    assert.equal(await off.locator('h1').innerText(), 'Senza JavaScript');
    const on = await browser.newPage();
    await on.goto(`${fixture.baseURL}/js`);
    assert.equal(await on.locator('h1').innerText(), 'Con JavaScript');
  });

  test('fillField and clickButton submit a form', async () => {
    const page = await browser.newPage({ javaScript: false });
    await page.goto(`${fixture.baseURL}/`);
    await fillField(page, 'Nome', 'Maria');
    await fillField(page, 'Cognome', 'Rossi');
    await fillField(page, 'Tipo di problema', 'Illuminazione pubblica');
    await fillField(page, 'Telefono', true);
    await fillField(page, "Ho letto e compreso l'informativa sulla privacy", true);
    await assert.rejects(fillField(page, 'Indirizzo', 'x'), /found 0/);
    const res = await clickButton(page, 'Avanti');
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('h1').innerText(), 'Riepilogo');
    const answers = await page.locator('#risposte').innerText();
    for (const want of ['Maria', 'Rossi', 'illuminazione', 'telefono', 'si']) {
      assert.ok(answers.includes(want), `${want} missing from ${answers}`);
    }
  });

  test('expectAssetsLoad reports a broken asset', async () => {
    const page = await browser.newPage();
    await page.goto(`${fixture.baseURL}/broken`);
    await assert.rejects(expectAssetsLoad(page), /nope\.css: status 404/);
  });
});
