#!/usr/bin/env node
// Runs the browser tests: every e2e/*.test.mjs (or the files given as
// arguments) with node:test, then prints a closing line "N passed, M failed".
// Exit status is non-zero when any test fails.
//
//   node e2e/run.mjs                      all tests
//   node e2e/run.mjs e2e/smoke.test.mjs   one file
//   E2E_CONCURRENCY=1 node e2e/run.mjs    one file at a time (default 2)

import fs from 'node:fs';
import path from 'node:path';
import { run } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const files = process.argv.length > 2
  ? process.argv.slice(2).map((f) => path.resolve(f))
  : fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(here, f));

if (files.length === 0) {
  console.error('no e2e/*.test.mjs files');
  process.exit(1);
}

const counts = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const stream = run({ files, concurrency: Number(process.env.E2E_CONCURRENCY || 2), timeout: 5 * 60 * 1000 });

const indent = (d) => '  '.repeat(d.nesting);
stream.on('test:pass', (d) => {
  if (d.details?.type === 'suite') return;
  if (d.skip || d.todo) {
    counts.skipped++;
    console.log(`${indent(d)}- ${d.name} (skipped${typeof d.skip === 'string' ? `: ${d.skip}` : ''})`);
    return;
  }
  counts.passed++;
  console.log(`${indent(d)}ok ${d.name} (${Math.round(d.details?.duration_ms ?? 0)} ms)`);
});
stream.on('test:fail', (d) => {
  const err = d.details?.error;
  // A suite fails when a test inside it fails; that test is already counted.
  // A suite fails when a test inside it fails (already counted) or when its
  // before/after hook fails (its tests are then counted as cancelled): only
  // the hook's error is worth showing.
  const isSuite = d.details?.type === 'suite';
  if (isSuite && err?.failureType === 'subtestsFailed') return;
  if (!isSuite) counts.failed++;
  const cause = err?.cause ?? err;
  const text = cause?.stack || cause?.message || String(cause);
  console.log(`${indent(d)}FAIL ${d.name}`);
  // A hook failure explains every cancelled test of its suite: show it here,
  // next to the tests, as well as in the summary.
  if (isSuite) console.log(text.split('\n').slice(0, 12).map((l) => `${indent(d)}  ${l}`).join('\n'));
  failures.push(`FAIL ${d.name}${d.file ? ` (${path.relative(process.cwd(), d.file)})` : ''}\n${text}`);
});
stream.on('test:stdout', (d) => process.stdout.write(d.message));
stream.on('test:stderr', (d) => process.stderr.write(d.message));
stream.on('data', () => {});

stream.on('end', () => {
  if (failures.length > 0) console.log(`\n${failures.join('\n\n')}\n`);
  const skipped = counts.skipped ? `, ${counts.skipped} skipped` : '';
  console.log(`${counts.passed} passed, ${counts.failed} failed${skipped}`);
  process.exitCode = counts.failed > 0 || counts.passed === 0 ? 1 : 0;
});
