// Page actions shared by the browser tests: fill fields by their visible
// label, press buttons by their name, and check the assets a page links to.

import assert from 'node:assert/strict';

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Finds the one form control whose label is `label`: an exact match first,
 * then a label that starts with it ("Nome" also finds "Nome *"). A RegExp is
 * used as given. Fails when none or several match.
 */
export async function fieldByLabel(page, label) {
  if (label instanceof RegExp) return single(page.getByLabel(label), label);
  const exact = page.getByLabel(label, { exact: true });
  if (await exact.count() > 0) return single(exact, label);
  return single(page.getByLabel(new RegExp(`^\\s*${escapeRegExp(label)}(?:\\s|\\*|:|$)`)), label);
}

async function single(locator, label) {
  const n = await locator.count();
  if (n !== 1) throw new Error(`expected one field labelled ${label}, found ${n}`);
  return locator;
}

/**
 * Sets the field labelled `label`: text-like inputs and textareas are filled,
 * selects pick the option with that label (or value), checkboxes and radios
 * are checked when value is truthy, file inputs get {name, mimeType, buffer}
 * or a path.
 */
export async function fillField(page, label, value) {
  const field = await fieldByLabel(page, label);
  const { tag, type } = await field.evaluate((el) => ({ tag: el.tagName.toLowerCase(), type: (el.type || '').toLowerCase() }));
  if (tag === 'select') {
    const byLabel = await field.locator('option', { hasText: String(value) }).count();
    await field.selectOption(byLabel ? { label: String(value) } : String(value));
  } else if (type === 'checkbox' || type === 'radio') {
    // Bootstrap Italia draws its own radios and checkboxes: the label covers
    // the real input, so clicking through it is what a person does.
    // On a loaded machine the forced click occasionally lands before the
    // control reacts; then click its label, as a person would, and verify.
    try {
      await field.setChecked(Boolean(value), { force: true });
    } catch (err) {
      const id = await field.getAttribute('id');
      if (!id) throw err;
      await page.locator(`label[for="${id}"]`).click();
      if (await field.isChecked() !== Boolean(value)) throw err;
    }
  } else if (type === 'file') {
    await field.setInputFiles(value);
  } else {
    await field.fill(String(value));
  }
  return field;
}

/**
 * Presses the button (or, when there is no such button, the link) named
 * `name`. By default it waits for the page it leads to to load, because every
 * step of the citizen flow is a full page; pass {navigates: false} for
 * buttons that only change the current page.
 */
export async function clickButton(page, name, { navigates = true, exact = true } = {}) {
  let target = page.getByRole('button', { name, exact });
  if (await target.count() === 0) target = page.getByRole('link', { name, exact });
  const n = await target.count();
  if (n !== 1) throw new Error(`expected one button or link named ${name}, found ${n}`);
  if (!navigates) {
    await target.click();
    return null;
  }
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    target.click(),
  ]);
  return response;
}

const expectedTypes = {
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Fetches every /static/ asset the page links to (stylesheets, scripts,
 * icons in <use href>, images), plus every url() inside those stylesheets,
 * and checks each answers 200 with the right Content-Type and an immutable
 * Cache-Control. Returns the list of URLs checked.
 */
export async function expectAssetsLoad(page) {
  const urls = new Set(await page.evaluate(() => {
    const attrs = [...document.querySelectorAll('link[href], script[src], use[href], img[src], source[srcset]')]
      .map((el) => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('srcset'));
    return attrs.map((u) => new URL(u, document.baseURI)).filter((u) => u.origin === location.origin && u.pathname.startsWith('/static/'))
      .map((u) => u.origin + u.pathname);
  }));
  assert.ok(urls.size > 0, `${page.url()} links no /static/ asset`);
  const checked = [];
  const problems = [];
  const check = async (url) => {
    if (checked.includes(url)) return;
    checked.push(url);
    const res = await page.request.get(url);
    const ext = new URL(url).pathname.match(/\.[a-z0-9]+$/)?.[0] ?? '';
    const type = res.headers()['content-type'] ?? '';
    if (res.status() !== 200) problems.push(`${url}: status ${res.status()}`);
    else if (expectedTypes[ext] && !type.startsWith(expectedTypes[ext])) problems.push(`${url}: Content-Type ${type}, want ${expectedTypes[ext]}`);
    else if (!/immutable/.test(res.headers()['cache-control'] ?? '')) problems.push(`${url}: Cache-Control ${res.headers()['cache-control']}`);
    if (ext === '.css' && res.status() === 200) {
      for (const m of (await res.text()).matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
        if (m[1].startsWith('data:')) continue;
        const ref = new URL(m[1], url);
        if (ref.origin === new URL(url).origin) await check(ref.origin + ref.pathname);
      }
    }
  };
  for (const url of urls) await check(url);
  assert.deepEqual(problems, [], `assets linked from ${page.url()} do not load:\n${problems.join('\n')}`);
  return checked;
}
