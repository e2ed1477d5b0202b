// The form editor end to end: an editor builds "Iscrizione al servizio
// mensa scolastica" from a blank form (six fields: codice fiscale, a single
// choice, a field shown only for one of its answers, a file...), adds a
// routing rule, looks at the preview, publishes, signs out; then a citizen
// fills it in and submits it. The rule also sends a signed webhook to a
// receiver started here, whose payload proves the stored submission's
// version and office. axe-core runs on every editor page visited.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, test, before, after } from 'node:test';
import { promisify } from 'node:util';
import {
  adminLogin, clickButton, demoPassword, expectNoAxeViolations, fillField, launchBrowser, repoRoot,
  startServer, watchConsole, withFailureCapture,
} from './lib.mjs';
import { jpeg } from './scenarios.mjs';

const run = promisify(execFile);
const title = 'Iscrizione al servizio mensa scolastica';
const slug = 'iscrizione-al-servizio-mensa-scolastica';

// receiver collects webhook bodies on a loopback port.
function startReceiver() {
  const bodies = [];
  const waiters = [];
  const srv = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => { data += c; });
    req.on('end', () => {
      try { bodies.push(JSON.parse(data)); } catch { bodies.push({ unparsable: data }); }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"protocollo":"P-1"}');
      waiters.splice(0).forEach((w) => w());
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${srv.address().port}/hook`,
    bodies,
    close: () => new Promise((r) => srv.close(r)),
    async next(timeoutMs = 15000) {
      if (bodies.length) return bodies[0];
      await Promise.race([
        new Promise((r) => waiters.push(r)),
        new Promise((_, rej) => setTimeout(() => rej(new Error(`no webhook within ${timeoutMs} ms`)), timeoutMs)),
      ]);
      return bodies[0];
    },
  })));
}

const site = {};
before(async () => {
  site.receiver = await startReceiver();
  site.server = await startServer({ env: { MODULARIO_DEMO_PASSWORD: demoPassword, MODULARIO_NOTIFY_ALLOW_NETWORKS: '127.0.0.1/32' } });
  site.browser = await launchBrowser();
  // The running server runs the command through its admin socket.
  await run(path.join(repoRoot, 'bin', 'modulario'), ['webhook', 'add', '--data-dir', site.server.dataDir, 'protocollo', site.receiver.url]);
});
after(async () => {
  await site.browser?.close();
  await site.server?.stop();
  await site.receiver?.close();
});

// visit checks that the page has one h1 and no axe violations; with
// E2E_SCREENSHOTS=1 it also saves the page under test-results/pages/.
async function visit(page, label) {
  if (process.env.E2E_SCREENSHOTS) await shoot(page, `editor-${label}`);
  assert.equal(await page.locator('h1').count(), 1, `${label}: expected one <h1>`);
  await expectNoAxeViolations(page, `editor-${label}`);
}

// addField uses the palette of step 1 and lands on the field's page.
async function addField(page, label, type) {
  await fillField(page, 'Etichetta del nuovo campo', label);
  await fillField(page, 'Tipo di campo', type);
  await clickButton(page, 'Aggiungi campo al passo 1');
  assert.match(await page.locator('h2').first().innerText(), new RegExp(`Campo «${label}»`));
}

async function shoot(page, label) {
  fs.mkdirSync(path.join(repoRoot, 'test-results', 'pages'), { recursive: true });
  await page.screenshot({ path: path.join(repoRoot, 'test-results', 'pages', `${label}.png`), fullPage: true });
}

async function tab(page, name) {
  await page.getByRole('navigation', { name: 'Sezioni del modulo' }).getByRole('link', { name, exact: true }).click();
  await page.waitForLoadState();
}

describe('form editor', () => {
  test('an editor builds and publishes a form; a citizen submits it', async () => {
    const base = site.server.baseURL;
    const page = await site.browser.newPage();
    // Refused posts (422) are expected nowhere on this path.
    const consoleErrors = watchConsole(page);
    page.on('dialog', (d) => d.accept());
    await withFailureCapture(page, 'editor-build', async () => {
      await adminLogin(page, site, 'redattore@comune.example');
      await page.goto(`${base}/admin/moduli`);
      await visit(page, 'list');

      const started = Date.now();
      await clickButton(page, 'Nuovo modulo');
      await visit(page, 'new');
      await fillField(page, 'Titolo', title);
      assert.equal(await page.locator('#slug').inputValue(), slug, 'slug suggestion follows the title');
      await clickButton(page, 'Crea il modulo');
      assert.match(new URL(page.url()).pathname, new RegExp(`/admin/moduli/${slug}$`));
      await visit(page, 'editor-empty');

      await addField(page, 'Nome del bambino', 'Testo breve');
      await fillField(page, 'Obbligatorio', true);
      await clickButton(page, 'Salva');
      await addField(page, 'Codice fiscale del bambino', 'Codice fiscale');
      await fillField(page, 'Obbligatorio', true);
      await clickButton(page, 'Salva');
      await addField(page, 'Scuola', 'Scelta singola');
      await visit(page, 'field-choice');
      await fillField(page, 'Opzione 1: testo', 'Primaria Manzoni');
      await fillField(page, 'Opzione 2: testo', 'Infanzia Arcobaleno');
      await fillField(page, 'Obbligatorio', true);
      await clickButton(page, 'Salva');
      await addField(page, 'Classe', 'Testo breve');
      await fillField(page, 'Campo', 'Scuola');
      await fillField(page, 'Condizione', 'è uguale a');
      await fillField(page, 'Primaria Manzoni', true);
      await visit(page, 'field-condition');
      await clickButton(page, 'Salva');
      assert.match(await page.locator('main').innerText(), /Visibile se «Scuola» è uguale a «Primaria Manzoni»/);
      await addField(page, 'Certificato medico per diete speciali', 'File');
      await clickButton(page, 'Salva');
      await addField(page, 'Email del genitore', 'Email');
      await fillField(page, 'Obbligatorio', true);
      await clickButton(page, 'Salva');
      await visit(page, 'editor-six-fields');

      await tab(page, 'Impostazioni');
      await visit(page, 'settings');
      await fillField(page, 'Ufficio che riceve le richieste', 'Ufficio Relazioni con il Pubblico');
      await fillField(page, 'Categoria', 'Scuola e istruzione');
      await clickButton(page, 'Salva');

      await tab(page, 'Regole');
      await visit(page, 'rules-empty');
      await clickButton(page, 'Nuova regola');
      await visit(page, 'rule-new');
      await fillField(page, 'Nome della regola', 'Scuola primaria ai servizi scolastici');
      await fillField(page, 'Campo', 'Scuola');
      await fillField(page, 'Primaria Manzoni', true);
      await fillField(page, "Assegna all'ufficio", 'Servizi scolastici');
      await fillField(page, 'Invia webhook a', 'protocollo');
      await clickButton(page, 'Salva');
      assert.match(await page.locator('main').innerText(),
        /Quando arriva una richiesta e «Scuola» è uguale a «Primaria Manzoni», assegna all'ufficio Servizi scolastici e invia webhook a protocollo/);
      await visit(page, 'rules');

      // The preview pane shows the draft as citizens will see it.
      await tab(page, 'Struttura');
      const src = await page.locator('iframe[title^="Anteprima del modulo"]').getAttribute('src');
      assert.match(src, /^\/anteprima\//);
      const preview = await page.context().newPage();
      const res = await preview.goto(base + src);
      assert.equal(res.status(), 200, 'preview link');
      assert.match(await preview.locator('main').innerText(), new RegExp(title));
      if (process.env.E2E_SCREENSHOTS) await shoot(preview, 'editor-preview-tab');
      await preview.close();

      await clickButton(page, 'Pubblica');
      await visit(page, 'publish');
      await clickButton(page, 'Pubblica ora');
      assert.match(await page.locator('.alert-success').innerText(), /Modulo pubblicato/);
      const elapsed = Date.now() - started;
      console.log(`build and publish a six-field form: ${(elapsed / 1000).toFixed(1)} s wall time`);

      await tab(page, 'JSON');
      await visit(page, 'json');
      await tab(page, 'Versioni');
      await visit(page, 'versions');
      await page.goto(`${base}/admin/moduli`);
      assert.match(await page.locator('main').innerText(), /pubblicato/);
      await clickButton(page, 'Esci');
      assert.deepEqual(consoleErrors(), [], 'console errors on editor pages');
    });
    await page.context().close();

    // A citizen with no cookies fills in and submits the published form.
    const citizen = await site.browser.newPage();
    await withFailureCapture(citizen, 'editor-citizen', async () => {
      await citizen.goto(`${base}/servizi/${slug}`);
      await clickButton(citizen, 'Compila il modulo');
      await fillField(citizen, "Ho letto e compreso l'informativa sulla privacy", true);
      await clickButton(citizen, 'Avanti');
      await fillField(citizen, 'Nome del bambino', 'Luca');
      await fillField(citizen, 'Codice fiscale del bambino', 'RSSMRA85T10A562S');
      await fillField(citizen, 'Primaria Manzoni', true);
      await fillField(citizen, 'Classe', '3B');
      await fillField(citizen, 'Certificato medico per diete speciali', { name: 'certificato.jpg', mimeType: 'image/jpeg', buffer: jpeg });
      await fillField(citizen, 'Email del genitore', 'maria.rossi@example.it');
      const res = await clickButton(citizen, 'Avanti');
      assert.equal(res.status(), 200, `step refused: ${await citizen.locator('.alert-danger').allInnerTexts()}`);
      assert.match(citizen.url(), /\/riepilogo/);
      await clickButton(citizen, 'Conferma e invia');
      const number = (await citizen.locator('main').innerText()).match(/\b\d{4}-\d{7}\b/)?.[0];
      assert.ok(number, 'no request number on the receipt');

      const hook = await site.receiver.next();
      assert.equal(hook.data?.number, number);
      assert.equal(hook.data?.form, slug);
      assert.equal(hook.data?.version, 1, 'stored with the published version');
      assert.equal(hook.data?.office, 'servizio-istruzione', 'routed by the rule to Servizi scolastici');
    });
    await citizen.context().close();
  });

  test('every step of building works with JavaScript off', async () => {
    const base = site.server.baseURL;
    const page = await site.browser.newPage({ javaScript: false });
    await withFailureCapture(page, 'editor-nojs', async () => {
      await adminLogin(page, site, 'redattore@comune.example');
      await page.goto(`${base}/admin/moduli/nuovo`);
      await fillField(page, 'Titolo', 'Prova senza JavaScript');
      await clickButton(page, 'Crea il modulo');
      assert.match(page.url(), /\/admin\/moduli\/prova-senza-javascript/, 'slug made by the server');
      for (const label of ['Primo campo', 'Secondo campo']) {
        await fillField(page, 'Etichetta del nuovo campo', label);
        await clickButton(page, 'Aggiungi campo al passo 1');
        await clickButton(page, 'Salva');
      }
      await clickButton(page, 'Su Secondo campo');
      const names = await page.locator('#passo-1 li strong').allInnerTexts();
      assert.deepEqual(names, ['Secondo campo', 'Primo campo'], 'order after "Su"');
      await fillField(page, 'Titolo del nuovo passo', 'Contatti');
      await clickButton(page, 'Aggiungi passo');
      await fillField(page, 'Passo di destinazione per «Primo campo»', 'Passo 2: Contatti');
      await clickButton(page, 'Sposta al passo Primo campo');
      assert.deepEqual(await page.locator('#passo-2 li strong').allInnerTexts(), ['Primo campo']);
      await page.goto(`${base}/admin/moduli/prova-senza-javascript/impostazioni`);
      await fillField(page, 'Ufficio che riceve le richieste', 'Servizi demografici');
      await clickButton(page, 'Salva');
      await page.goto(`${base}/admin/moduli/prova-senza-javascript`);
      await clickButton(page, 'Pubblica');
      await clickButton(page, 'Pubblica ora');
      assert.match(await page.locator('.alert-success').innerText(), /Modulo pubblicato/);
    });
    await page.context().close();
  });
});
