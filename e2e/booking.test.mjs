// Appointment booking (issue 6) end to end in Chromium, with real SMTP
// (bin/smtpsink): a citizen books "Rinnovo carta d'identità" with the slot
// picker (calendar, free day, free time), with JavaScript on and off; gets
// the receipt with the ICS download and the "add to calendar" link, the
// confirmation e-mail with appuntamento.ics attached, and cancels from the
// tracking page. Then the staff side: calendars, the day and week agenda,
// check-in. axe-core on every page, also those seen with JavaScript off.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  adminLogin, checkA11yWithoutJS, clickButton, demoPassword, expectNoAxeViolations, fillField, launchBrowser,
  pickSlot, romeTime, startMailSink, startServer, waitForMail, watchConsole, withFailureCapture,
} from './lib.mjs';
import { scenarios } from './scenarios.mjs';

const carta = scenarios.find((s) => s.slug === 'carta-identita');
const numberPattern = /\b\d{4}-\d{7}\b/;
const calendarSlug = 'anagrafe-sede-centrale';
const staffEmail = 'admin@comune.example';

// Chromium logs every 4xx document as a failed load: the pages that refuse
// on purpose (409, 422) are expected.
const ignoredConsole = /\/favicon\.ico\)$|status of (409|422) /;

const site = {};
let mail;

before(async () => {
  mail = await startMailSink();
  site.server = await startServer({ env: { ...mail.env, MODULARIO_DEMO_PASSWORD: demoPassword } });
  site.browser = await launchBrowser();
});
after(async () => {
  await site.browser?.close();
  await site.server?.stop();
  await mail?.stop();
});

const url = (p) => site.server.baseURL + p;
const mainText = async (page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

// expectStatus fails with the page's message when res is not `want`.
async function expectStatus(page, res, want, what) {
  if (res?.status() === want) return;
  const text = (await mainText(page).catch(() => '')).slice(0, 400);
  assert.fail(`${what}: status ${res?.status()}, want ${want} on ${page.url()}; the page says: ${text}`);
}

// hasTime reports whether text shows the time hhmm ("09:30"), also
// written without the leading zero ("ore 9:30").
const hasTime = (text, hhmm) => new RegExp(`(^|\\D)0?${hhmm.replace(/^0/, '')}(\\D|$)`).test(text);

// romeDay is the date ("YYYY-MM-DD") in Rome `days` days from now.
const romeDay = (days) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' })
  .format(new Date(Date.now() + days * 86400000));

// compactUTC formats d as an iCalendar UTC date-time: 20261203T083000Z.
const compactUTC = (d) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

// startBooking accepts the privacy notice of carta-identita and leaves
// the page on its first step, the appointment picker.
async function startBooking(page) {
  await page.goto(url(`/servizi/${carta.slug}/privacy`));
  await fillField(page, "Ho letto e compreso l'informativa sulla privacy", true);
  const res = await clickButton(page, 'Avanti');
  await expectStatus(page, res, 200, 'the privacy step');
  assert.match(page.url(), /\/passo\/1/);
}

// placesLeft reads "09:30 – 09:50 · 2 posti disponibili" as 2.
const placesLeft = (label) => Number(label.match(/(\d+) post[oi] disponibil/)?.[1]);

// book completes carta-identita as a citizen with e-mail `email`, picking
// the Sede centrale, its first free day and first free time. check(label)
// runs on every page of the way (stage 1, 2, 3, each step, review,
// receipt). Leaves the page on the receipt; returns the slot picked
// ({day, time, label, value, start}) with the request number.
async function book(page, email, check = async () => {}) {
  await startBooking(page);

  // Citizens may cancel until 24 hours before (the demo calendars'
  // change_hours): book from the day after tomorrow.
  const slot = await pickSlot(page, { calendar: 'Sede centrale', from: romeDay(2), onStage: (n) => check(`picker stage ${n}`) });
  slot.start = romeTime(slot.day, slot.time);
  assert.ok(placesLeft(slot.label) > 0, `the time's label does not say the places left: ${slot.label}`);
  let res = await clickButton(page, 'Avanti');
  await expectStatus(page, res, 200, 'the appointment step');

  for (const [i, fields] of carta.steps.slice(1).entries()) {
    for (const [label, value] of fields) await fillField(page, label, label === 'Email' ? email : value);
    await check(`step ${i + 2}`);
    res = await clickButton(page, 'Avanti');
    await expectStatus(page, res, 200, `step ${i + 2}`);
  }

  assert.match(page.url(), /\/riepilogo/);
  const review = await mainText(page);
  for (const v of ['Sede centrale', ...carta.review]) assert.ok(review.includes(v), `the review lacks ${v}: ${review}`);
  assert.ok(hasTime(review, slot.time), `the review lacks the time ${slot.time}: ${review}`);
  assert.match(review, /riservat[oa].*fino alle \d{1,2}:\d{2}/i, 'the review does not say until when the slot is held');
  await check('review');

  res = await clickButton(page, 'Conferma e invia');
  await expectStatus(page, res, 200, 'confirming the booking');
  assert.match(page.url(), /\/pratiche\/[\w-]+\/ricevuta/);
  const receipt = await mainText(page);
  assert.match(receipt, /Appuntamento confermato/);
  assert.ok(receipt.includes('Sede centrale'), `the receipt lacks the place: ${receipt}`);
  assert.ok(hasTime(receipt, slot.time), `the receipt lacks the time ${slot.time}: ${receipt}`);
  slot.number = receipt.match(numberPattern)?.[0];
  assert.ok(slot.number, `no request number on the receipt: ${receipt.slice(0, 300)}`);
  await check('receipt');
  return slot;
}

// expectICS downloads the receipt's ICS link and checks it is the
// appointment at slot.start.
async function expectICS(page, slot) {
  const link = page.getByRole('link', { name: "Scarica l'appuntamento per il calendario (ICS)" });
  assert.equal(await link.count(), 1, 'no ICS download link on the receipt');
  const href = new URL(await link.getAttribute('href'), page.url());
  assert.match(href.pathname, /^\/pratiche\/[\w-]+\/appuntamenti\/[\w-]+\.ics$/);
  const res = await page.request.get(href.href);
  assert.equal(res.status(), 200, `GET ${href.pathname}`);
  assert.match(res.headers()['content-type'] ?? '', /^text\/calendar/);
  const ics = (await res.text()).replace(/\r\n[ \t]/g, '');
  assert.match(ics, /^BEGIN:VCALENDAR\r?\n/);
  assert.match(ics, /BEGIN:VEVENT/);
  assert.match(ics, /END:VCALENDAR\s*$/);
  const dtstart = ics.match(/^DTSTART[^:\r\n]*:(\S+)$/m);
  assert.ok(dtstart, `no DTSTART in the ICS:\n${ics}`);
  const local = `${slot.day.replace(/-/g, '')}T${slot.time.replace(':', '')}00`;
  assert.ok(dtstart[1] === compactUTC(slot.start) || (dtstart[0].includes('TZID=Europe/Rome') && dtstart[1] === local),
    `DTSTART ${dtstart[0]} is not ${slot.day} ${slot.time} in Rome`);

  const google = page.getByRole('link', { name: 'Aggiungi a Google Calendar' });
  assert.equal(await google.count(), 1, 'no "Aggiungi a Google Calendar" link on the receipt');
  const g = new URL(await google.getAttribute('href'));
  assert.equal(`${g.origin}${g.pathname}`, 'https://calendar.google.com/calendar/render');
  assert.equal(g.searchParams.get('action'), 'TEMPLATE');
  assert.ok(g.searchParams.get('dates')?.startsWith(compactUTC(slot.start)) ||
    g.searchParams.get('dates')?.startsWith(local), `Google Calendar dates ${g.searchParams.get('dates')}`);
}

// trackingLink returns the tracking page URL of an e-mail (its HTML part).
function trackingLink(message) {
  const m = message.html.match(/https?:\/\/[^\s"<>)]+\/pratiche\/[\w-]+(?![\w/.-])/);
  assert.ok(m, `no tracking link in the e-mail "${message.subject}":\n${message.html}`);
  return m[0];
}

async function bookAndCancel(js) {
  const tag = `booking-${js ? 'js' : 'nojs'}`;
  const page = await site.browser.newPage({ javaScript: js });
  const consoleErrors = watchConsole(page, { ignore: ignoredConsole });
  // Accessibility problems are collected, so that one run shows every page
  // that has some, and asserted at the end.
  const a11y = [];
  const check = (label) => (js ? expectNoAxeViolations : checkA11yWithoutJS)(page, `${tag} ${label}`)
    .catch((err) => { a11y.push(err.message); });
  const email = js ? 'giulia.neri@example.it' : 'paolo.gialli@example.it';
  await withFailureCapture(page, tag, async () => {
    const slot = await book(page, email, check);
    await expectICS(page, slot);

    const sent = await waitForMail(mail, { to: email, subject: new RegExp(`${slot.number} ricevuta`) });
    assert.ok(sent.attachments.includes('appuntamento.ics'),
      `the confirmation e-mail carries no appuntamento.ics part; parts: ${JSON.stringify(sent.attachments)}`);
    const mailed = (sent.calendars ?? []).map((c) => c.replace(/\r\n[ \t]/g, ''));
    assert.equal(mailed.length, 1, 'the confirmation e-mail has no text/calendar part');
    assert.match(mailed[0], /METHOD:PUBLISH/);
    assert.match(mailed[0], new RegExp(`^DTSTART[^:\\r\\n]*:${compactUTC(slot.start)}\\r?$`, 'm'),
      `the e-mailed ICS does not start at ${slot.day} ${slot.time} in Rome:\n${mailed[0]}`);
    const trackingURL = trackingLink(sent);

    await page.goto(trackingURL);
    let text = await mainText(page);
    for (const v of [slot.number, 'Sede centrale']) assert.ok(text.includes(v), `the tracking page lacks ${v}`);
    assert.ok(hasTime(text, slot.time), `the tracking page lacks the time ${slot.time}`);
    await check('tracking');

    await clickButton(page, "Annulla l'appuntamento");
    text = await mainText(page);
    assert.ok(hasTime(text, slot.time), `the cancel confirmation does not name the appointment: ${text.slice(0, 300)}`);
    await check('cancel confirmation');
    const confirm = page.locator('main form[method="post" i]').getByRole('button', { name: /annulla/i });
    assert.equal(await confirm.count(), 1, 'no single button confirming the cancellation');
    const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), confirm.click()]);
    await expectStatus(page, res, 200, 'cancelling the appointment');
    assert.equal(new URL(page.url()).pathname, new URL(trackingURL).pathname, 'not back on the tracking page');
    text = await mainText(page);
    assert.match(text, /appuntamento.{0,40}annullato|annullato.{0,40}appuntamento/i, 'the page does not say the appointment is cancelled');
    assert.match(text, /Annullata/, 'the request is not shown as withdrawn');
    assert.equal(await page.getByRole('link', { name: "Annulla l'appuntamento" }).count(), 0, 'a cancelled appointment offers cancellation');
    assert.equal(await page.getByRole('link', { name: "Sposta l'appuntamento" }).count(), 0, 'a cancelled appointment offers a move');
    await check('tracking cancelled');

    // The place is free again at once: a new citizen sees as many places
    // at that time as this one did before booking.
    const again = await site.browser.newPage({ javaScript: js });
    await withFailureCapture(again, `${tag}-freed`, async () => {
      await startBooking(again);
      const seen = await pickSlot(again, { calendar: 'Sede centrale', from: slot.day, time: slot.time });
      assert.equal(seen.day, slot.day);
      assert.equal(placesLeft(seen.label), placesLeft(slot.label), `after the cancellation: ${seen.label}, before booking: ${slot.label}`);
    });
    await again.context().close();
    assert.deepEqual(consoleErrors(), [], 'console errors (CSP violations, failed loads)');
    assert.equal(a11y.length, 0, `accessibility violations on ${a11y.length} booking page(s):\n${a11y.join('\n')}`);
  });
  await page.context().close();
}

// statusCell returns the cell of an agenda row under the column "Stato".
async function statusCell(row) {
  const headers = (await row.locator('xpath=ancestor::table[1]/thead//th').allInnerTexts()).map((h) => h.trim());
  const i = headers.indexOf('Stato');
  assert.ok(i >= 0, `the agenda table has no "Stato" column: ${headers.join(', ')}`);
  return row.locator('th, td').nth(i);
}

describe('appointment booking', () => {
  test('a citizen books, gets the ICS by e-mail and cancels, with JavaScript on', () => bookAndCancel(true));
  test('a citizen books, gets the ICS by e-mail and cancels, with JavaScript off', () => bookAndCancel(false));

  test('staff see the booking on the agenda and check the citizen in', async () => {
    const citizen = await site.browser.newPage();
    const staff = await site.browser.newPage();
    const consoleErrors = watchConsole(staff, { ignore: ignoredConsole });
    let slot;
    await withFailureCapture(citizen, 'booking-staff-citizen', async () => {
      slot = await book(citizen, 'marco.blu@example.it');
    });
    await withFailureCapture(staff, 'booking-staff', async () => {
      await adminLogin(staff, site, staffEmail);
      let res = await staff.goto(url('/admin/calendari'));
      await expectStatus(staff, res, 200, 'the calendar list');
      const edit = staff.locator(`main a[href$="/admin/calendari/${calendarSlug}"]`);
      assert.ok(await edit.count() >= 1, `the calendar list has no link to ${calendarSlug}`);
      await expectNoAxeViolations(staff, 'staff calendars');
      res = await staff.goto(url(`/admin/calendari/${calendarSlug}`));
      await expectStatus(staff, res, 200, 'the calendar edit page');
      assert.ok(await staff.locator('main form').count() >= 1, 'the calendar page has no form');
      await expectNoAxeViolations(staff, 'staff calendar edit');

      res = await staff.goto(url(`/admin/agenda/${calendarSlug}?giorno=${slot.day}`));
      await expectStatus(staff, res, 200, 'the day agenda');
      const row = staff.locator('main tr').filter({ hasText: slot.number });
      assert.equal(await row.count(), 1, `the day agenda does not list request ${slot.number} once: ${await mainText(staff)}`);
      assert.ok(hasTime(await row.innerText(), slot.time), `the agenda row lacks ${slot.time}`);
      assert.ok((await row.innerText()).includes('Maria Rossi'), 'the agenda row lacks the citizen\'s name');
      const status = await statusCell(row);
      assert.equal((await status.innerText()).trim(), 'Confermato');
      await expectNoAxeViolations(staff, 'staff agenda day');

      // The buttons name the booking too ("Presentato 09:30–09:50 Maria Rossi").
      const present = row.getByRole('button', { name: /^Presentato\b/ });
      assert.equal(await present.count(), 1, 'no "Presentato" button on the booking');
      assert.equal(await row.getByRole('button', { name: /^Non presentato\b/ }).count(), 1, 'no "Non presentato" button');
      const [checkIn] = await Promise.all([staff.waitForNavigation({ waitUntil: 'load' }), present.click()]);
      await expectStatus(staff, checkIn, 200, 'the check-in');
      assert.equal((await (await statusCell(row)).innerText()).trim(), 'Presentato', 'the status did not change to Presentato');
      assert.equal(await row.getByRole('button', { name: /^Presentato\b/ }).count(), 0,
        'the "Presentato" button is still offered after the check-in');
      await expectNoAxeViolations(staff, 'staff agenda checked in');

      res = await staff.goto(url(`/admin/agenda/${calendarSlug}?giorno=${slot.day}&vista=settimana`));
      await expectStatus(staff, res, 200, 'the week agenda');
      assert.ok((await mainText(staff)).includes(slot.number), 'the week agenda does not list the booking');
      await expectNoAxeViolations(staff, 'staff agenda week');
    });
    assert.deepEqual(consoleErrors(), [], 'console errors (CSP violations, failed loads)');
    await citizen.context().close();
    await staff.context().close();
  });
});
