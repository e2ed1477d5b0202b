// Staff side core: sign in as the demo admin, visit every core page with
// axe-core (zero violations), change nothing, and sign out.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  adminLogin, demoPassword, expectNoAxeViolations, useDemoSite, watchConsole, withFailureCapture,
} from './lib.mjs';

describe('staff core pages', () => {
  const site = useDemoSite({ env: { MODULARIO_DEMO_PASSWORD: demoPassword } });

  test('login page is accessible and wrong passwords are refused', async () => {
    const page = await site.browser.newPage();
    await page.goto(`${site.server.baseURL}/admin/login`);
    await withFailureCapture(page, 'admin-login', async () => {
      await expectNoAxeViolations(page, 'admin-login');
      await page.locator('#email').fill('admin@comune.example');
      await page.locator('#password').fill('non-e-la-password');
      await page.getByRole('button', { name: 'Accedi', exact: true }).click();
      await page.waitForLoadState();
      assert.match(await page.locator('.alert-danger').innerText(), /password non corretti/);
      await expectNoAxeViolations(page, 'admin-login-error');
    });
  });

  test('admin visits every core page and logs out', async () => {
    const page = await site.browser.newPage();
    // The invalid office form answers 422 on purpose.
    const consoleErrors = watchConsole(page, { ignore: /status of 422 .*\/admin\/uffici\)$|\/favicon\.ico\)$/ });
    await adminLogin(page, site, 'admin@comune.example');
    const pages = [
      ['/admin', /Benvenuto/],
      ['/admin/utenti', /Utenti/],
      ['/admin/utenti/nuovo', /Nuovo utente/],
      ['/admin/uffici', /Uffici/],
      ['/admin/uffici/nuovo', /Nuovo ufficio/],
      ['/admin/impostazioni', /Impostazioni/],
      ['/admin/registro', /Registro attività/],
      ['/admin/password', /Cambia password/],
    ];
    for (const [path, heading] of pages) {
      const label = `admin${path.replace(/\//g, '-')}`;
      const res = await page.goto(site.server.baseURL + path);
      await withFailureCapture(page, label, async () => {
        assert.equal(res.status(), 200, `${path} answered ${res.status()}`);
        assert.match(await page.locator('h1').first().innerText(), heading);
        await expectNoAxeViolations(page, label);
      });
    }
    // A validation error page is accessible too.
    await page.goto(`${site.server.baseURL}/admin/uffici/nuovo`);
    await page.getByRole('button', { name: 'Salva', exact: true }).click();
    await page.waitForLoadState();
    await withFailureCapture(page, 'admin-office-invalid', async () => {
      assert.match(await page.locator('#error-summary').innerText(), /errori?/);
      await expectNoAxeViolations(page, 'admin-office-invalid');
    });
    await page.goto(`${site.server.baseURL}/admin`);
    await page.getByRole('button', { name: 'Esci', exact: true }).click();
    await page.waitForURL(/\/admin\/login/);
    assert.match(await page.locator('.alert-success').innerText(), /Sei uscito/);
    const res = await page.goto(`${site.server.baseURL}/admin/utenti`);
    assert.match(new URL(res.url()).pathname, /^\/admin\/login/, 'after logout /admin/utenti must ask to sign in');
    assert.deepEqual(consoleErrors(), [], 'console errors (CSP violations, failed loads)');
  });
});
