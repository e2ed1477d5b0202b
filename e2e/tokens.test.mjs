// API tokens: an admin creates a token in /admin/token (every page passes
// axe-core), the secret shown once works against /api/v1 on the real
// server, the CLI creates one through the admin socket while the server
// runs, and a revoked token is refused.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  adminLogin, demoPassword, expectNoAxeViolations, repoRoot, useDemoSite, watchConsole, withFailureCapture,
} from './lib.mjs';

const run = promisify(execFile);

// api calls /api/v1 with secret as Bearer token and returns {res, body}.
async function api(site, pathname, secret, init = {}) {
  const headers = { ...(init.headers || {}) };
  if (secret) headers.Authorization = `Bearer ${secret}`;
  const res = await fetch(site.server.baseURL + pathname, { ...init, headers });
  const text = await res.text();
  let body = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { res, body };
}

describe('API tokens', () => {
  const site = useDemoSite({ env: { MODULARIO_DEMO_PASSWORD: demoPassword } });

  test('admin creates, uses and revokes a token; the CLI works while serving', async () => {
    const page = await site.browser.newPage();
    const consoleErrors = watchConsole(page, { ignore: /status of 422 .*\/admin\/token\)$|\/favicon\.ico\)$/ });
    await adminLogin(page, site, 'admin@comune.example');
    const base = site.server.baseURL;

    await page.goto(`${base}/admin/token`);
    await withFailureCapture(page, 'tokens-list-empty', async () => {
      assert.match(await page.locator('h1').innerText(), /Token API/);
      await expectNoAxeViolations(page, 'tokens list empty');
    });
    await page.getByRole('link', { name: 'Nuovo token' }).click();
    await page.waitForLoadState();
    await withFailureCapture(page, 'tokens-form', async () => {
      await expectNoAxeViolations(page, 'tokens form');
      await page.getByRole('button', { name: 'Crea token', exact: true }).click();
      await page.waitForLoadState();
      assert.match(await page.locator('#error-summary').innerText(), /Inserisci un nome/);
      await expectNoAxeViolations(page, 'tokens form invalid');
    });

    await page.locator('#name').fill('Protocollo informatico');
    await page.locator('#office-anagrafe').setChecked(true, { force: true });
    await page.locator('#scope-write').setChecked(true, { force: true });
    await page.getByRole('button', { name: 'Crea token', exact: true }).click();
    await page.waitForLoadState();
    let secret;
    await withFailureCapture(page, 'tokens-secret', async () => {
      secret = (await page.locator('code.modulario-secret').innerText()).trim();
      assert.match(secret, /^mod_[A-Za-z0-9_-]{43}$/);
      assert.match(await page.locator('.alert-warning').innerText(), /solo questa volta/);
      await expectNoAxeViolations(page, 'tokens secret');
    });

    // The secret works on the real server's API, for its office only.
    let r = await api(site, '/api/v1/offices', secret);
    assert.equal(r.res.status, 200);
    assert.deepEqual(r.body.items.map((o) => o.slug), ['anagrafe']);
    r = await api(site, '/api/v1/submissions', secret);
    assert.equal(r.res.status, 200);
    assert.ok(Array.isArray(r.body.items), 'items is a list');
    r = await api(site, '/api/v1/submissions?office=tributi', secret);
    assert.equal(r.res.status, 403);
    r = await api(site, '/api/v1/submissions', '');
    assert.equal(r.res.status, 401);
    assert.equal(r.res.headers.get('content-type'), 'application/problem+json');
    assert.equal(r.body.status, 401);

    // The CLI reaches the running server through its admin socket.
    const bin = process.env.MODULARIO_BIN || path.join(repoRoot, 'bin', 'modulario');
    const cliEnv = { ...process.env, MODULARIO_DATA_DIR: site.server.dataDir };
    const created = await run(bin, ['token', 'create', '--office', 'anagrafe', '--scope', 'read', 'Gestionale'], { env: cliEnv });
    const cliSecret = created.stdout.trim();
    assert.match(cliSecret, /^mod_[A-Za-z0-9_-]{43}$/);
    r = await api(site, '/api/v1/offices', cliSecret);
    assert.equal(r.res.status, 200);
    const listed = await run(bin, ['token', 'list'], { env: cliEnv });
    assert.match(listed.stdout, /\tGestionale\tread\tanagrafe\t/);
    assert.match(listed.stdout, /\tProtocollo informatico\twrite\tanagrafe\t/);

    await page.goto(`${base}/admin/token`);
    await withFailureCapture(page, 'tokens-list', async () => {
      assert.ok(!(await page.content()).includes(secret), 'the list shows the secret');
      await expectNoAxeViolations(page, 'tokens list');
      await page.getByRole('link', { name: 'Revoca Protocollo informatico' }).click();
      await page.waitForLoadState();
      await expectNoAxeViolations(page, 'tokens revoke confirm');
      await page.getByRole('button', { name: 'Revoca', exact: true }).click();
      await page.waitForLoadState();
      assert.match(await page.locator('.alert-success').innerText(), /Token revocato/);
      await expectNoAxeViolations(page, 'tokens list after revoke');
    });
    r = await api(site, '/api/v1/offices', secret);
    assert.equal(r.res.status, 401);
    assert.deepEqual(consoleErrors(), [], 'console errors (CSP violations, failed loads)');
  });
});
