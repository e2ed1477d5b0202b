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

/**
 * Books a slot with the appointment picker of the current step, as a
 * citizen does with or without JavaScript: stage 1 chooses the calendar
 * (radios "calendario"; `calendar` is a label text or RegExp, the first
 * one when omitted) and presses "Mostra i giorni disponibili"; stage 2
 * follows the first free day (a[data-slot-day]), moving to "Mese
 * successivo" when the month shown has none (or none on or after `from`,
 * "YYYY-MM-DD", when given); stage 3 checks the first free
 * time (the radios of the field `field`, named by its JSON pointer
 * "/appuntamento" as every renderer input, or by its name; the one whose
 * label starts with `time`, "HH:MM", when given). The step's
 * "Avanti" is left to the caller.
 * `onStage(stage)` runs on each stage's page (1, 2, 3) before acting, e.g.
 * to check accessibility. Returns {day, label, value, time}: the day
 * "YYYY-MM-DD", the chosen time's label, its value and its "HH:MM".
 */
export async function pickSlot(page, { calendar, onStage, from, time: at, field = 'appuntamento' } = {}) {
  const calendars = page.locator('input[type="radio"][name="calendario"]');
  await calendars.first().waitFor({ state: 'attached' });
  if (onStage) await onStage(1);
  const choice = calendar
    ? calendars.and(page.getByLabel(calendar instanceof RegExp ? calendar : new RegExp(`^\\s*${escapeRegExp(calendar)}`)))
    : calendars.first();
  if (await choice.count() !== 1) throw new Error(`expected one calendar labelled ${calendar}, found ${await choice.count()}`);
  await checkRadio(page, choice);
  await clickButton(page, 'Mostra i giorni disponibili');

  // The free days shown, on or after `from`; string order is date order.
  const freeDays = async () => (await page.locator('a[data-slot-day]').evaluateAll((as) => as.map((a) => a.dataset.slotDay)))
    .filter((d) => !from || d >= from);
  let shown = await freeDays();
  if (onStage) await onStage(2);
  for (let month = 0; shown.length === 0; month++) {
    if (month >= 3) throw new Error(`no free day${from ? ` from ${from}` : ''} in the next 3 months on ${page.url()}`);
    await clickButton(page, 'Mese successivo', { exact: false });
    shown = await freeDays();
  }
  const day = shown[0];
  assert.match(day, /^\d{4}-\d{2}-\d{2}$/, 'data-slot-day is not a date');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(`a[data-slot-day="${day}"]`).click()]);

  const times = page.locator(`input[type="radio"][name="/${field}"], input[type="radio"][name="${field}"]`);
  if (await times.count() === 0) throw new Error(`no free time offered for ${day} on ${page.url()}`);
  if (onStage) await onStage(3);
  const time = at ? times.and(page.getByLabel(new RegExp(`^\\s*${escapeRegExp(at)}\\b`))) : times.first();
  if (await time.count() !== 1) throw new Error(`no single free time ${at} on ${day}: ${page.url()}`);
  const id = await time.getAttribute('id');
  const label = id ? (await page.locator(`label[for="${id}"]`).innerText()).trim() : '';
  await checkRadio(page, time);
  const value = await time.getAttribute('value');
  const hhmm = label.match(/\b(\d{2}:\d{2})\b/)?.[1];
  assert.ok(hhmm, `the time's label does not start with HH:MM: ${label}`);
  return { day, label, value, time: hhmm };
}

// checkRadio checks a Bootstrap Italia radio (its label covers the input).
async function checkRadio(page, radio) {
  try {
    await radio.check({ force: true });
  } catch (err) {
    const id = await radio.getAttribute('id');
    if (!id) throw err;
    await page.locator(`label[for="${id}"]`).click();
  }
  assert.ok(await radio.isChecked(), 'the radio did not get checked');
}

/**
 * The UTC instant of local time hhmm ("09:30") on day ("2026-12-03") in
 * Europe/Rome, as a Date.
 */
export function romeTime(day, hhmm) {
  const [y, m, d] = day.split('-').map(Number);
  const [h, mi] = hhmm.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, h, mi);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Rome', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit',
  }).formatToParts(new Date(guess)).map((p) => [p.type, p.value]));
  const local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute);
  return new Date(guess - (local - guess));
}
