// The catalogue, landing pages and staff previews (issue 4): staff write a
// landing page with the builder (no JavaScript needed), citizens find it in
// the catalogue and its search, and a signed preview link walks a form
// without storing anything. axe-core on every page.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  clickButton, expectNoAxeViolations, fillField, withFailureCapture, useDemoSite,
} from './lib.mjs';
import { scenarios } from './scenarios.mjs';

// A 1×1 PNG (Go's strict JPEG decoder refuses the scenarios' tiny JPEG).
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const password = 'password-demo-e2e-catalogo';
const site = useDemoSite({ env: { MODULARIO_DEMO_PASSWORD: password } });

// previewToken signs a preview link like modulario.SignPreview.
function previewToken(slug, version, expUnix) {
  const key = fs.readFileSync(path.join(site.server.dataDir, 'preview.key'));
  const payload = `${slug}\x1f${version}\x1f${expUnix}`;
  const mac = crypto.createHmac('sha256', key).update(`modulario-preview\x00${payload}`).digest('base64url');
  return `${Buffer.from(payload).toString('base64url')}.${mac}`;
}

async function signIn(page, email) {
  await page.goto(`${site.server.baseURL}/admin/login`);
  await fillField(page, 'Indirizzo e-mail', email);
  await fillField(page, 'Password', password);
  const res = await clickButton(page, 'Accedi');
  assert.equal(res.status(), 200);
}

describe('catalogue and landing pages', () => {
  test('an editor writes a landing page with a form card, citizens find it', async () => {
    const page = await site.browser.newPage();
    await withFailureCapture(page, 'landing-editor', async () => {
      await signIn(page, 'redattore@comune.example');
      await page.goto(`${site.server.baseURL}/admin/pagine/nuova`);
      await expectNoAxeViolations(page, 'admin page new');
      await fillField(page, 'Titolo', 'Documenti di identità');
      await fillField(page, 'Descrizione', 'Come rinnovare la carta di identità elettronica.');
      await fillField(page, 'Categoria', 'Anagrafe e stato civile');
      await fillField(page, 'Testo (Markdown)', '## Cosa fare\n\nPrenota un appuntamento allo sportello.');
      await page.locator('label[for="page-published"]').click();
      assert.ok(await page.locator('#page-published').isChecked(), 'published checkbox');
      await page.locator('#page-insert').selectOption('carta-identita');
      await clickButton(page, 'Inserisci nel testo');
      assert.match(await page.locator('#page-body').inputValue(), /\{\{< modulo "carta-identita" >\}\}/);
      await clickButton(page, 'Anteprima');
      await page.locator('.modulario-page-preview a[href="/servizi/carta-identita"]').waitFor();
      await expectNoAxeViolations(page, 'admin page preview');
      const res = await clickButton(page, 'Salva');
      assert.equal(res.status(), 200);
      assert.match(await page.locator('.alert-success').innerText(), /salvata/);
      await expectNoAxeViolations(page, 'admin page saved');

      await page.goto(`${site.server.baseURL}/admin/media`);
      await fillField(page, /^File immagine/, { name: 'piazza.png', mimeType: 'image/png', buffer: png });
      await fillField(page, 'Testo alternativo', 'Piazza del Municipio');
      await clickButton(page, 'Carica');
      assert.match(await page.locator('.modulario-snippet').first().inputValue(), /^!\[Piazza del Municipio\]\(\/media\/[\w-]+\)$/);
      await expectNoAxeViolations(page, 'admin media');
    });
    await page.context().close();

    for (const js of [true, false]) {
      const citizen = await site.browser.newPage({ javaScript: js });
      await withFailureCapture(citizen, `landing-citizen-${js}`, async () => {
        await citizen.goto(`${site.server.baseURL}/`);
        if (js) await expectNoAxeViolations(citizen, 'catalogue');
        await citizen.getByRole('link', { name: 'Documenti di identità', exact: true }).click();
        await citizen.waitForURL('**/pagine/documenti-di-identita');
        assert.equal(await citizen.locator('h1').innerText(), 'Documenti di identità');
        if (js) await expectNoAxeViolations(citizen, 'landing page');
        await clickButton(citizen, 'Compila il modulo', { exact: false });
        assert.match(citizen.url(), /\/servizi\/carta-identita$/);

        await citizen.goto(`${site.server.baseURL}/servizi`);
        await fillField(citizen, 'Cerca tra servizi e pagine', 'rinnovare identità');
        await clickButton(citizen, 'Cerca');
        assert.match(citizen.url(), /\/servizi\?q=rinnovare/);
        assert.equal(await citizen.locator('main a[href="/pagine/documenti-di-identita"]').count(), 1);
        assert.equal(await citizen.locator('main a[href="/servizi/segnalazione-disservizio"]').count(), 0);
        if (js) await expectNoAxeViolations(citizen, 'catalogue search');
      });
      await citizen.context().close();
    }
  });

  test('a preview link walks a form version and stores nothing', async () => {
    const s = scenarios.find((x) => x.slug === 'richiesta-assistenza');
    const page = await site.browser.newPage();
    await withFailureCapture(page, 'preview', async () => {
      const token = previewToken(s.slug, 1, Math.floor(Date.now() / 1000) + 3600);
      const first = await page.goto(`${site.server.baseURL}/anteprima/${token}`);
      assert.equal(first.status(), 200);
      assert.match(first.headers()['x-robots-tag'] ?? '', /noindex/);
      assert.match(await page.locator('.modulario-preview-banner').innerText(), /Anteprima/);
      await expectNoAxeViolations(page, 'preview step');
      for (const [label, value] of s.steps[0]) await fillField(page, label, value);
      await clickButton(page, 'Avanti');
      await expectNoAxeViolations(page, 'preview review');
      await clickButton(page, 'Conferma e invia');
      assert.match(await page.locator('main').innerText(), /nessuna richiesta è stata inviata/);
      await expectNoAxeViolations(page, 'preview done');

      const expired = await page.goto(`${site.server.baseURL}/anteprima/${previewToken(s.slug, 1, 1000)}`);
      assert.equal(expired.status(), 410);
      await expectNoAxeViolations(page, 'preview expired');
      const forged = await page.goto(`${site.server.baseURL}/anteprima/${token.slice(0, -4)}AAAA`);
      assert.equal(forged.status(), 404);
    });
    await page.context().close();
  });
});
