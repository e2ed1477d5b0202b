// The back-office end to end in Chromium, with real SMTP (bin/smtpsink):
// a citizen submits, the operator of the right office takes the request in
// charge, asks for an integration, the citizen answers with a file on the
// tracking page, the operator downloads it and concludes the request; an
// email at every step. Then the citizen side with JavaScript off, the wall
// between offices (UI and HTTP), the CSV export, and axe-core on every
// back-office page.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  adminLogin, clickButton, demoPassword, expectNoAxeViolations, fillField, launchBrowser, repoRoot,
  startMailSink, startServer, waitForMail, watchConsole, withFailureCapture,
} from './lib.mjs';
import { scenarios } from './scenarios.mjs';

const assistenza = scenarios.find((s) => s.slug === 'richiesta-assistenza');
const numberPattern = /\b\d{4}-\d{7}\b/;
const operator = 'operatore@comune.example';
// The operator of another office, made with the CLI while the server runs.
const outsider = { email: 'vigile@comune.example', office: 'polizia-locale', password: 'password-vigile-e2e-2026' };

// A 1×1 PNG: real image bytes, which the server's content sniffing accepts.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const site = {};
let mail;
let tmpDir;
// The request of the lifecycle test, shared with the tests after it.
const req = {};

before(async () => {
  mail = await startMailSink();
  site.server = await startServer({ env: { ...mail.env, MODULARIO_DEMO_PASSWORD: demoPassword } });
  site.browser = await launchBrowser();
  tmpDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'modulario-backoffice-'));
});
after(async () => {
  await site.browser?.close();
  await site.server?.stop();
  await mail?.stop();
  if (tmpDir) await fsp.rm(tmpDir, { recursive: true, force: true });
});

const url = (p) => site.server.baseURL + p;

// Chromium logs every 4xx document as a failed load: the pages that refuse
// on purpose (422, 404, 409) are expected.
const ignoredConsole = /\/favicon\.ico\)$|status of (404|409|422) /;

// submitRequest completes the one-step assistance request as a citizen,
// with email `email` and a unique word in the details, and returns
// {number, receiptURL}. The page is left on the receipt.
async function submitRequest(page, email, word) {
  await page.goto(url(`/servizi/${assistenza.slug}/privacy`));
  await fillField(page, "Ho letto e compreso l'informativa sulla privacy", true);
  await clickButton(page, 'Avanti');
  for (const [label, value] of assistenza.steps[0]) {
    if (label === 'Email') await fillField(page, label, email);
    else if (label === 'Dettagli') await fillField(page, label, `${value} Parola chiave ${word}.`);
    else await fillField(page, label, value);
  }
  await clickButton(page, 'Avanti');
  await clickButton(page, 'Conferma e invia');
  assert.match(page.url(), /\/pratiche\/[\w-]+\/ricevuta/);
  const number = (await page.locator('main').innerText()).match(numberPattern)?.[0];
  assert.ok(number, 'no request number on the receipt');
  return { number, receiptURL: page.url() };
}

// trackingLink returns the tracking page URL of an email, from its HTML
// part (what mail clients show); see also the plain-text test below.
function trackingLink(message) {
  const m = message.html.match(/https?:\/\/[^\s"<>)]+\/pratiche\/[\w-]+(?![\w/-])/);
  assert.ok(m, `no tracking link in the email "${message.subject}":\n${message.html}`);
  return m[0];
}

// expectStatus fails with the page's message when res is not `want`.
async function expectStatus(page, res, want, what) {
  if (res.status() === want) return;
  const text = (await page.locator('main').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
  assert.fail(`${what}: status ${res.status()}, want ${want}; the page says: ${text}`);
}

// mailCount is how many emails `to` received so far (for waitForMail's after).
const mailCount = async (to) => (await mail.messages(to)).length;

// cli runs bin/modulario with the server's data folder (the command is sent
// to the running server through its admin socket); stdin is piped in.
function cli(args, stdin = '') {
  return new Promise((resolve, reject) => {
    const child = execFile(path.join(repoRoot, 'bin', 'modulario'), args,
      { env: { ...process.env, MODULARIO_DATA_DIR: site.server.dataDir }, timeout: 20000 },
      (err, stdout, stderr) => (err ? reject(new Error(`modulario ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout)));
    child.stdin.end(stdin);
  });
}

// addOutsider creates, through the CLI, an office and an operator who
// belongs only to it.
async function addOutsider() {
  await cli(['office', 'add', '--name', 'Polizia locale', '--email', 'polizia@comune.example', outsider.office]);
  await cli(['user', 'add', '--role', 'operator', '--office', outsider.office, '--name', 'Vigile urbano', outsider.email],
    `${outsider.password}\n`);
}

// setStatus changes the request open on the detail page to the status
// labelled `label`, with an optional message to the citizen.
async function setStatus(page, label, message) {
  await fillField(page, 'Nuovo stato', label);
  if (message) await fillField(page, 'Messaggio al cittadino (facoltativo)', message);
  const res = await clickButton(page, 'Cambia stato');
  assert.equal(res.status(), 200, `changing the status to ${label}: ${await page.locator('.alert-danger').allInnerTexts()}`);
  assert.match(await page.locator('main').innerText(), /Stato della richiesta cambiato/);
}

// findInInbox filters the inbox by `text` and opens the request `number`.
async function openFromInbox(page, text, number) {
  await page.goto(url('/admin/richieste'));
  await fillField(page, 'Cerca nelle risposte o per numero', text);
  await clickButton(page, 'Applica i filtri');
  const link = page.getByRole('link', { name: number, exact: true });
  assert.equal(await link.count(), 1, `request ${number} not listed once when filtering by "${text}"`);
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.match(page.url(), /\/admin\/richieste\/\d+$/);
  return page.url();
}

// answerIntegration answers the request for integration of req on the
// tracking page with a text and `file`, with JavaScript on.
async function answerIntegration(citizen, file) {
  await citizen.goto(req.trackingURL);
  const main = citizen.locator('main');
  assert.match(await main.innerText(), /In attesa di integrazione/i);
  assert.ok((await main.innerText()).includes(req.question), 'the tracking page lacks the office message');
  await expectNoAxeViolations(citizen, 'tracking waiting integration');
  await citizen.locator('#integrazione-testo').fill('Ecco la ricevuta del pagamento.');
  await citizen.locator('#integrazione-file').setInputFiles(file);
  const [res] = await Promise.all([
    citizen.waitForNavigation(),
    citizen.locator('form[action$="/integrazione"] button[type="submit"]').click(),
  ]);
  await expectStatus(citizen, res, 200, 'answering the integration');
  await citizen.locator('#esito .alert-success').waitFor();
  assert.match(await main.innerText(), /Integrazione ricevuta/i);
  assert.equal(await citizen.locator('#integrazione-testo').count(), 0, 'the answer form is still offered');
  await expectNoAxeViolations(citizen, 'tracking integration received');
}

// downloadAndConclude checks the integration on the detail page, downloads
// its file and concludes req.
async function downloadAndConclude(staff) {
  await staff.goto(req.detailURL);
  const main = await staff.locator('main').innerText();
  assert.match(main, /Integrazione ricevuta/);
  assert.match(main, /Ecco la ricevuta del pagamento/);
  const download = staff.locator('a[href*="/allegati/"]', { hasText: 'ricevuta-pagamento.png' });
  assert.equal(await download.count(), 1, 'the integration file is not listed once');
  req.attachmentURL = new URL(await download.getAttribute('href'), staff.url()).href;
  const res = await staff.request.get(req.attachmentURL);
  assert.equal(res.status(), 200);
  const headers = res.headers();
  assert.match(headers['content-disposition'] ?? '', /^attachment;.*ricevuta-pagamento\.png/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.deepEqual(Buffer.from(await res.body()), png, 'the downloaded bytes differ from the upload');

  const seen = await mailCount(req.email);
  await setStatus(staff, 'Conclusa', 'La pratica è conclusa, grazie.');
  req.concluded = true;
  await waitForMail(mail, { to: req.email, subject: new RegExp(`${req.number}: conclusa`), after: seen });
  await expectNoAxeViolations(staff, 'backoffice detail concluded');
}

describe('back-office', () => {
  test('lifecycle with JavaScript on: an email at every step, axe on every page', async () => {
    const citizen = await site.browser.newPage();
    const staff = await site.browser.newPage();
    const errors = [watchConsole(citizen, { ignore: ignoredConsole }), watchConsole(staff, { ignore: ignoredConsole })];
    const email = 'anna.bianchi@example.it';
    const file = path.join(tmpDir, 'ricevuta-pagamento.png');
    await fsp.writeFile(file, png);

    await withFailureCapture(citizen, 'backoffice-submit', async () => {
      Object.assign(req, await submitRequest(citizen, email, 'zanzariera'), { email });
      const receipt = await waitForMail(mail, { to: email, subject: new RegExp(`${req.number} ricevuta`) });
      req.trackingURL = trackingLink(receipt);
    });

    await withFailureCapture(staff, 'backoffice-inbox', async () => {
      await adminLogin(staff, site, operator);
      await staff.goto(url('/admin/richieste'));
      await expectNoAxeViolations(staff, 'backoffice inbox');
      req.detailURL = await openFromInbox(staff, 'zanzariera', req.number);
      req.id = req.detailURL.match(/(\d+)$/)[1];
      await staff.goBack();
      await expectNoAxeViolations(staff, 'backoffice inbox filtered');
      await staff.goto(req.detailURL);
      assert.match(await staff.locator('main').innerText(), /zanzariera/);
      await expectNoAxeViolations(staff, 'backoffice detail received');

      let seen = await mailCount(email);
      await clickButton(staff, 'Prendi in carico e assegna a me');
      assert.match(await staff.locator('main').innerText(), /Richiesta presa in carico/);
      await waitForMail(mail, { to: email, subject: new RegExp(`${req.number}: presa in carico`), after: seen });

      seen = await mailCount(email);
      req.question = 'Ci invii la ricevuta del pagamento dei diritti di segreteria.';
      await setStatus(staff, 'In attesa di integrazione', req.question);
      await expectNoAxeViolations(staff, 'backoffice detail waiting');
      const asked = await waitForMail(mail, { to: email, subject: new RegExp(`${req.number}: in attesa`), after: seen });
      assert.ok(asked.text.includes(req.question), `the email does not carry the office's message:\n${asked.text}`);
      assert.equal(trackingLink(asked), req.trackingURL);
    });

    await withFailureCapture(citizen, 'backoffice-integration', () => answerIntegration(citizen, file));
    await withFailureCapture(staff, 'backoffice-conclude', () => downloadAndConclude(staff));
    await withFailureCapture(citizen, 'backoffice-tracking-concluded', async () => {
      await citizen.goto(req.trackingURL);
      assert.match(await citizen.locator('main').innerText(), /Conclusa/);
      assert.equal(await citizen.locator('a[href$="/annulla"]').count(), 0, 'a concluded request offers withdrawal');
      await expectNoAxeViolations(citizen, 'tracking concluded');
    });
    assert.deepEqual(errors.flatMap((e) => e()), [], 'console errors (CSP violations, failed loads)');
    await citizen.context().close();
    await staff.context().close();
  });

  test('citizen side with JavaScript off: answer an integration, withdraw a request', async () => {
    const citizen = await site.browser.newPage({ javaScript: false });
    const staff = await site.browser.newPage();
    const email = 'luca.verdi@example.it';
    const file = path.join(tmpDir, 'documento.png');
    await fsp.writeFile(file, png);
    await withFailureCapture(citizen, 'backoffice-nojs', async () => {
      const first = await submitRequest(citizen, email, 'grondaia');
      const second = await submitRequest(citizen, email, 'marciapiede');
      const links = {};
      for (const r of [first, second]) {
        links[r.number] = trackingLink(await waitForMail(mail, { to: email, subject: new RegExp(`${r.number} ricevuta`) }));
      }

      await adminLogin(staff, site, operator);
      await openFromInbox(staff, first.number, first.number);
      await clickButton(staff, 'Prendi in carico e assegna a me');
      await setStatus(staff, 'In attesa di integrazione', 'Manca la foto della grondaia.');

      // An empty answer is refused with the error summary, then a text and a file are sent.
      await citizen.goto(links[first.number]);
      assert.match(await citizen.locator('main').innerText(), /Manca la foto della grondaia/);
      let res = await clickButton(citizen, 'Invia la risposta');
      await expectStatus(citizen, res, 422, 'an empty integration answer');
      assert.match(await citizen.locator('.alert-danger').innerText(), /Scrivi un messaggio o allega almeno un file/);
      assert.equal(await citizen.locator('#integrazione-testo').getAttribute('aria-invalid'), 'true');
      await citizen.locator('#integrazione-testo').fill('Allego la foto richiesta.');
      await citizen.locator('#integrazione-file').setInputFiles(file);
      res = await clickButton(citizen, 'Invia la risposta');
      await expectStatus(citizen, res, 200, 'answering the integration without JavaScript');
      assert.match(await citizen.locator('#esito').innerText(), /La tua risposta è stata inviata/);
      assert.match(await citizen.locator('main').innerText(), /documento\.png/);

      // Withdraw the second request: the confirmation page, then the tracking page.
      await citizen.goto(links[second.number]);
      await clickButton(citizen, 'Annulla la richiesta');
      assert.match(citizen.url(), /\/annulla$/);
      assert.match(await citizen.locator('h1').innerText(), /Vuoi annullare la richiesta/);
      assert.ok((await citizen.locator('main').innerText()).includes(second.number));
      res = await clickButton(citizen, 'Sì, annulla la richiesta');
      await expectStatus(citizen, res, 200, 'withdrawing the request');
      assert.match(await citizen.locator('#esito').innerText(), /La richiesta è stata annullata/);
      assert.match(await citizen.locator('main').innerText(), /Annullata/);
      assert.equal(await citizen.locator('a[href$="/annulla"]').count(), 0, 'a withdrawn request offers withdrawal again');
      // The withdraw page of a closed request refuses.
      res = await citizen.goto(`${links[second.number]}/annulla`);
      assert.equal(res.status(), 409);
    });
    await citizen.context().close();
    await staff.context().close();
  });

  test('an operator of another office cannot list, open, change or export the request', async () => {
    assert.ok(req.id, 'the lifecycle test did not run');
    await addOutsider();
    const page = await site.browser.newPage();
    const consoleErrors = watchConsole(page, { ignore: ignoredConsole });
    await withFailureCapture(page, 'backoffice-outsider', async () => {
      await adminLogin(page, site, outsider.email, outsider.password);
      await page.goto(url(`/admin/richieste?q=${encodeURIComponent(req.number)}`));
      assert.ok(!(await page.locator('main').innerText()).includes(req.number), 'the inbox lists a request of another office');
      await page.goto(url('/admin/richieste'));
      assert.equal(await page.locator('a[href^="/admin/richieste/"]').filter({ hasText: numberPattern }).count(), 0,
        'the inbox of an office without requests lists some');
      await expectNoAxeViolations(page, 'backoffice inbox empty');

      let res = await page.goto(req.detailURL);
      assert.equal(res.status(), 404, 'the detail of another office opens');
      assert.ok(!(await page.locator('main').innerText()).includes('zanzariera'));
      if (req.attachmentURL) { // set once the lifecycle test got as far as the download
        res = await page.request.get(req.attachmentURL);
        assert.equal(res.status(), 404, 'the attachment of another office downloads');
      }

      const csrf = await page.locator('input[name="_csrf"]').first().getAttribute('value');
      assert.ok(csrf, 'no CSRF token on the page');
      for (const [action, form] of [['stato', { stato: 'rejected', messaggio: 'intrusione' }], ['nota', { nota: 'nota intrusa' }],
        ['prendi', {}], ['assegna', { assegnatario: '' }]]) {
        res = await page.request.post(`${req.detailURL}/${action}`, { form: { _csrf: csrf, ...form }, maxRedirects: 0 });
        assert.equal(res.status(), 404, `POST ${action} on a request of another office answered ${res.status()}`);
      }
      res = await page.request.get(url('/admin/richieste/esporta.csv'));
      assert.equal(res.status(), 200);
      const csv = await res.text();
      assert.ok(!csv.includes(req.number) && !csv.includes('zanzariera'), 'the export contains a request of another office');
    });
    // Nothing changed: the operator of the right office sees no intrusion.
    const staff = await site.browser.newPage();
    await adminLogin(staff, site, operator);
    await staff.goto(req.detailURL);
    const detail = await staff.locator('main').innerText();
    assert.ok(!/intrusione|nota intrusa/.test(detail), 'a refused action left a trace');
    assert.ok(detail.includes(req.number));
    assert.deepEqual(consoleErrors(), [], 'console errors (CSP violations, failed loads)');
    await page.context().close();
    await staff.context().close();
  });

  test('the inbox exports the filtered requests as CSV', async () => {
    assert.ok(req.id, 'the lifecycle test did not run');
    const page = await site.browser.newPage();
    await withFailureCapture(page, 'backoffice-export', async () => {
      await adminLogin(page, site, operator);
      await page.goto(url('/admin/richieste?q=zanzariera'));
      const link = page.locator('a[href*="/admin/richieste/esporta.csv"]');
      assert.equal(await link.count(), 1, 'no CSV export link on the inbox');
      assert.match(await link.getAttribute('href'), /q=zanzariera/, 'the export link does not carry the filter');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const bytes = await fsp.readFile(await download.path());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'no UTF-8 BOM');
      const lines = bytes.subarray(3).toString('utf8').split(/\r?\n/).filter(Boolean);
      assert.match(lines[0], /^Numero[,;]/, `header row: ${lines[0]}`);
      assert.match(lines[0], /Stato/);
      assert.equal(lines.length, 2, `want the header and one row, got:\n${lines.join('\n')}`);
      assert.ok(lines[1].startsWith(req.number), `the row is not request ${req.number}: ${lines[1]}`);
      if (req.concluded) assert.match(lines[1], /Conclusa/);
    });
    await page.context().close();
  });

  test('dashboard, lookup and staff entry pages are accessible', async () => {
    const page = await site.browser.newPage();
    const consoleErrors = watchConsole(page, { ignore: ignoredConsole });
    await withFailureCapture(page, 'backoffice-dashboard', async () => {
      await adminLogin(page, site, operator);
      let res = await page.goto(url('/admin/cruscotto'));
      await expectStatus(page, res, 200, 'the dashboard');
      assert.ok(await page.locator('main svg[role="img"], main table').count() > 0, 'the dashboard shows no chart or table');
      await expectNoAxeViolations(page, 'backoffice dashboard');
      res = await page.goto(url('/admin/richieste/nuova'));
      await expectStatus(page, res, 200, 'the staff entry page');
      assert.match(await page.locator('h1').innerText(), /Inserisci una richiesta per un cittadino/);
      await expectNoAxeViolations(page, 'backoffice entry start');

      // A request taken on the phone: the same form, recorded with the channel and the operator.
      await fillField(page, 'Modulo', 'Richiesta di assistenza');
      await fillField(page, 'Telefono', true);
      await clickButton(page, 'Apri il modulo');
      assert.match(page.url(), /\/servizi\/richiesta-assistenza\//);
      if (await page.getByLabel("Ho letto e compreso l'informativa sulla privacy").count() > 0) {
        await fillField(page, "Ho letto e compreso l'informativa sulla privacy", true);
        await clickButton(page, 'Avanti');
      }
      for (const [label, value] of assistenza.steps[0]) {
        await fillField(page, label, label === 'Dettagli' ? 'Richiesta telefonica sul tributo ombrellone.' : value);
      }
      await clickButton(page, 'Avanti');
      await clickButton(page, 'Conferma e invia');
      const number = (await page.locator('main').innerText()).match(numberPattern)?.[0];
      assert.ok(number, 'no request number after the staff entry');
      await openFromInbox(page, 'ombrellone', number);
      const detail = await page.locator('main').innerText();
      assert.match(detail, /Telefono/);
      assert.match(detail, /Operatore demo/);
    });
    const citizen = await site.browser.newPage();
    await withFailureCapture(citizen, 'backoffice-lookup', async () => {
      const seen = await mailCount(req.email);
      await citizen.goto(url('/pratiche/cerca'));
      await expectNoAxeViolations(citizen, 'lookup');
      await fillField(citizen, 'Numero della richiesta', req.number);
      await fillField(citizen, 'Email o codice fiscale indicati nella richiesta', req.email.toUpperCase());
      const res = await clickButton(citizen, 'Invia il link');
      await expectStatus(citizen, res, 200, 'the lookup');
      assert.match(await citizen.locator('main').innerText(), /Se i dati corrispondono a una richiesta/);
      await expectNoAxeViolations(citizen, 'lookup answer');
      const sent = await waitForMail(mail, { to: req.email, after: seen });
      assert.equal(trackingLink(sent), req.trackingURL);
    });
    assert.deepEqual(consoleErrors(), [], 'console errors (CSP violations, failed loads)');
    await page.context().close();
    await citizen.context().close();
  });

  // A plain-text mail client shows the text part: its link must open the
  // request too. Tokens are random, so a token with "_" (half of them)
  // shows whether the link survives Markdown escaping.
  test('the plain-text part of every email to citizens carries the working tracking link', async () => {
    const problems = [];
    for (const m of await mail.messages()) {
      if (!/pratiche\//.test(m.html) || m.to.some((t) => t.endsWith('@comune.example'))) continue;
      const link = trackingLink(m);
      if (!m.text.split(/\r?\n/).some((line) => line.trim() === link)) {
        problems.push(`${m.subject}: the text part has ${m.text.match(/\S*\/pratiche\/\S*/)?.[0]}, want ${link}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
