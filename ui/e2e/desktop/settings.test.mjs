// End to end on the real app over a file imported from the sample history, on a pinned
// clock: the Metrics page's CSV export equals `kedai metrics --db … --at …` figure by figure,
// and holiday mode switched on in Settings leaves a new buyer message out at once (the
// inbox, the header and the exported event log all say so).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP, CLI, root, session, startDriver, startXvfb, tmp, waitFor } from './harness.mjs';

const NOW = '2026-07-20T04:00:00.000Z';
let xvfb;
let driver;
let app;
let data;
let db;

const kedai = (...args) => execFileSync(CLI, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

before(async () => {
  xvfb = await startXvfb();
  data = tmp('kedai-e2e-settings-');
  db = join(data, 'kedai.db');
  kedai('import', join(root, 'samples/sample-events.jsonl'), '--db', db);
  driver = await startDriver({
    DISPLAY: xvfb.display,
    KEDAI_DEMO: '0',
    KEDAI_DB: db,
    KEDAI_NOW: NOW,
    KEDAI_SPEED: '0',
    KEDAI_DATA_DIR: data,
    KEDAI_EXIT_ON_CLOSE: '1',
  });
  app = await session(driver.base, APP, [], driver.display);
  await waitFor('the inbox to paint', () => app.exec('return document.body.dataset.ready === "1"'), 60_000);
});

after(async () => {
  await app?.close();
  await driver?.stop();
  await xvfb?.stop();
});

const setValue = (selector, value, event = 'input') =>
  app.exec(`const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event(arguments[2]));`, [selector, value, event]);
const click = (selector) => app.exec('document.querySelector(arguments[0]).click()', [selector]);

test('the Metrics page exports CSV whose figures equal kedai metrics for the same file and instants', async () => {
  await click('[data-nav="metrics"]');
  // The page opens on the last 14 days; then the seller picks a range.
  await waitFor('the first review', () => app.exec(`return !!document.querySelector('[data-loaded]')?.dataset.loaded`), 60_000);
  await setValue('[data-input="from"]', '2026-07-14');
  await setValue('[data-input="to"]', '2026-07-20');
  await click('[data-run="review"]');
  await waitFor('the review', () => app.exec(`return document.querySelector('[data-loaded]')?.dataset.loaded === '2026-07-14..2026-07-20'
    && document.querySelectorAll('.chart canvas').length >= 6`), 60_000);
  await app.shot('metrics-review');
  // The file is picked in the system's Save dialog ("Choose…"), typed into it as a seller would.
  const csvPath = join(data, 'metrics.csv');
  await setValue('[data-input="csv"]', join(data, 'suggested.csv'));
  await click('[data-choose="csv"]');
  const x = (...args) => execFileSync('xdotool', args, { encoding: 'utf8', env: { ...process.env, DISPLAY: xvfb.display } }).trim();
  const dialog = await waitFor('the Save dialog', () => {
    try {
      return x('search', '--onlyvisible', '--name', '^CSV file$').split('\n')[0];
    } catch {
      return false;
    }
  }, 30_000);
  await app.shot('save-dialog');
  x('windowfocus', '--sync', dialog);
  x('key', '--clearmodifiers', 'ctrl+a');
  x('type', '--delay', '20', csvPath);
  x('key', 'Return');
  await waitFor('the chosen path in the field', () => app.exec(`return document.querySelector('[data-input="csv"]').value === arguments[0]`, [csvPath]), 30_000);
  await click('[data-run="csv"]');
  await waitFor('the CSV', () => app.exec(`return !!document.querySelector('[data-done="csv"]') || document.querySelector('[data-error="csv"]')?.textContent`), 60_000);
  const [head, ...lines] = readFileSync(csvPath, 'utf8').trim().split('\n');
  const cols = head.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
  assert.ok(rows.length > 50, `${rows.length} figures`);
  const byAt = new Map();
  for (const r of rows) byAt.set(r.at, [...(byAt.get(r.at) ?? []), r]);
  let compared = 0;
  let sumCsv = 0;
  let sumCli = 0;
  for (const [at, list] of byAt) {
    const report = JSON.parse(kedai('metrics', '--db', db, '--at', at, '--json'));
    for (const r of list) {
      const m = report.shops.find((s) => s.shop === r.shop).metrics[r.metric];
      assert.ok(m, `${r.shop} ${r.metric} at ${at}`);
      assert.equal(Number(r.numerator), m.numerator, `${r.shop} ${r.metric} numerator at ${at}`);
      assert.equal(Number(r.denominator), m.denominator, `${r.shop} ${r.metric} denominator at ${at}`);
      assert.equal(r.value === '' ? null : Number(r.value), m.value, `${r.shop} ${r.metric} value at ${at}`);
      assert.equal(r.status, m.status);
      sumCsv += Number(r.numerator);
      sumCli += m.numerator;
      compared++;
    }
  }
  console.log(`metrics: ${compared} figures at ${byAt.size} instants equal kedai metrics (numerators ${sumCsv} = ${sumCli})`);
  assert.equal(sumCsv, sumCli);

  // The same history as an event log: `kedai metrics --events` on it gives the figures that
  // `kedai metrics --db` gives.
  const logPath = join(data, 'review.jsonl');
  await setValue('[data-input="log"]', logPath);
  await click('[data-run="log"]');
  await waitFor('the event log', () => app.exec(`return !!document.querySelector('[data-done="log"]') || document.querySelector('[data-error="log"]')?.textContent`), 60_000);
  const at = [...byAt.keys()].pop();
  assert.deepEqual(JSON.parse(kedai('metrics', '--events', logPath, '--at', at, '--json')), JSON.parse(kedai('metrics', '--db', db, '--at', at, '--json')));
  await click('[data-page="metrics"] [data-close]');
});

test('holiday mode from Settings leaves a new buyer message out, and the export says so', async () => {
  await click('[data-nav="settings"]');
  await click('[data-section="facts"]');
  await waitFor('the shop facts', () => app.exec('return !!document.querySelector(\'[data-pick="facts-shop"]\')'), 10_000);
  await setValue('[data-pick="facts-shop"]', 'tt-my', 'change');
  await waitFor('tt-my', () => app.exec('return !!document.querySelector(\'[data-effects="holiday"] [data-metric="response_rate_12h"]\')'), 10_000);
  const header = () => app.exec(`return document.querySelector('[data-shop="tt-my"] [data-figure="response_rate_12h"]')?.dataset.detail ?? ''`);
  const before = await header();
  await click('[data-toggle="holiday"]');
  await waitFor('holiday mode on', () => app.exec(`return document.querySelector('[data-holiday]').dataset.holiday === 'on'`), 10_000);
  await app.shot('settings-holiday-on');
  const log = kedai('export', '--db', db);
  assert.match(log, /"type":"holiday_mode","shop":"tt-my","from":"2026-07-20T04:00:00/);
  await click('[data-page="settings"] [data-close]');

  // A buyer writes while the shop is in holiday mode.
  const msg = join(data, 'new.jsonl');
  writeFileSync(msg, JSON.stringify({ type: 'message', shop: 'tt-my', conversation: 'e2e-holiday', id: 'e2e-h1', at: NOW, from: 'buyer', buyer: 'e2e-buyer', text: 'Are you open today?' }) + '\n');
  kedai('import', msg, '--db', db);
  const inbox = JSON.parse(kedai('inbox', '--db', db, '--at', NOW, '--json'));
  const conv = (inbox.conversations ?? inbox.rows ?? []).find((c) => c.conversation === 'e2e-holiday');
  assert.ok(conv, 'the conversation is in the inbox');
  assert.equal(conv.deadline ?? null, null, 'no deadline: the message is left out (§2)');
  const metrics = JSON.parse(kedai('metrics', '--db', db, '--at', NOW, '--json'));
  const f = metrics.shops.find((s) => s.shop === 'tt-my').metrics.response_rate_12h;
  assert.ok(f.excluded.holiday_mode >= 1, JSON.stringify(f.excluded));
  // The app hears of the write and its header shows the exclusion.
  await waitFor('the header to count the exclusion', async () => {
    const now = await header();
    return now !== before && /holiday mode \d+/.test(now) ? now : null;
  }, 30_000);
  await app.shot('holiday-excluded');
});
