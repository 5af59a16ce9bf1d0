// The Settings and Metrics pages of the built UI in headless Chromium under the app's CSP,
// against mock-ipc.js plus settings-mock.js (the settings and metrics commands).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, mockSource, openPage, appForTests } from './harness.mjs';

const mocks = [mockSource('mock-ipc.js'), mockSource('settings-mock.js')];

const app = appForTests();

async function page() {
  return openPage(app.browser, app.base, mocks, { failedRequests: true });
}

const writes = (p) => p.evaluate(() => window.__mock.settingsWrites.map((w) => w[0]));

test('settings: shop facts are written, bad hours and zones are refused inline and nothing is written', async () => {
  const { p, errors, ctx } = await page();
  await p.click('[data-nav="settings"]');
  await p.waitForSelector('[data-page="settings"] [data-shop="tt-my"]');

  // A typo in the zone: an inline error, no write.
  await p.fill('[data-shop="tt-my"] [data-input="tz"]', 'Asia/Kuala_Lumpr');
  await p.click('[data-shop="tt-my"] [data-save="profile"]');
  assert.match(await p.textContent('[data-shop="tt-my"] [data-error="profile"]'), /not an IANA time zone/);
  assert.deepEqual(await writes(p), []);

  // Pasted tokens go to the secrets store once and are never shown again.
  await p.click('[data-connect="tt-my"] summary');
  await p.fill('[data-connect="tt-my"] [data-secret="access_token"]', 'TTS-SECRET-TOKEN-123');
  await p.click('[data-connect="tt-my"] [data-save="secrets"]');
  assert.match(await p.textContent('[data-connect="tt-my"] [data-saved="secrets"]'), /Kept: access_token/);
  assert.equal(await p.inputValue('[data-connect="tt-my"] [data-secret="access_token"]'), '');
  assert.match(await p.textContent('[data-connect="tt-my"] summary'), /tokens kept \(access_token\)/);
  assert.equal(await p.evaluate(() => document.documentElement.outerHTML.includes('TTS-SECRET-TOKEN-123')), false);
  await p.click('[data-disconnect="tt-my"]');
  assert.match(await p.textContent('[data-connect="tt-my"] [data-saved="secrets"]'), /Disconnected/);
  await p.evaluate(() => { window.__mock.settingsWrites.length = 0; });

  await p.click('[data-section="facts"]');
  await p.waitForSelector('[data-effects="holiday"] tr[data-metric="response_rate_12h"]');
  assert.match(await p.textContent('[data-effects="holiday"]'), /neither numerator nor denominator/);
  // Closing before opening: refused inline, nothing written.
  await p.fill('[data-span="0"] [data-input="open"]', '18:00');
  await p.fill('[data-span="0"] [data-input="close"]', '09:00');
  await p.click('[data-save="hours"]');
  assert.match(await p.textContent('[data-error="hours"]'), /Monday: closing time 09:00 is not after opening time 18:00/);
  assert.deepEqual(await writes(p), []);
  await p.fill('[data-span="0"] [data-input="close"]', '21:00');
  await p.fill('[data-span="0"] [data-input="open"]', '08:00');
  await p.click('[data-save="hours"]');
  await p.waitForSelector('[data-saved="hours"]');
  assert.equal(await p.$('[data-error="hours"]'), null);

  await p.check('[data-toggle="holiday"]');
  await p.waitForFunction(() => window.__mock.settingsWrites.some((w) => w[0] === 'holiday' && w[2] === true));
  await p.waitForSelector('[data-holiday="on"]');
  await p.screenshot({ path: join(artifacts, 'settings-facts.png') });
  assert.deepEqual(await writes(p), ['hours', 'holiday']);
  // Due-soon leads (§4): out of range refused inline; a good one written as the shop's setting.
  await p.fill('[data-lead="tiktok.12h"] input', '2000');
  await p.click('[data-lead="tiktok.12h"] button');
  assert.match(await p.textContent('[data-error="lead"]'), /0 to 1440/);
  await p.fill('[data-lead="tiktok.12h"] input', '90');
  await p.click('[data-lead="tiktok.12h"] button');
  await p.waitForFunction(() => window.__mock.settingsWrites.some((w) => w[0] === 'setting' && w[2] === 'lead.tiktok.12h' && w[3] === '90'));
  assert.equal(await p.$('[data-error="lead"]'), null);

  // Rules: test a sample message, then order.
  await p.click('[data-section="rules"]');
  await p.waitForSelector('[data-rules] tr[data-rule="track"]');
  await p.fill('[data-input="rule-test"]', 'where is my parcel?');
  await p.click('[data-run="rule-test"]');
  await p.waitForSelector('[data-test-result="track"]');
  assert.match(await p.textContent('[data-test-result="track"]'), /Track it in the app/);
  assert.equal(await p.$$eval('[data-effects="rules"] tr[data-platform]', (r) => r.length), 3);
  await p.click('[aria-label="Move Tracking up"]');
  await p.waitForFunction(() => document.querySelector('[data-rules] tbody tr').dataset.rule === 'track');
  // A rule with no reply: the store's refusal shows inline.
  await p.click('[data-new="rule"]');
  await p.fill('[data-input="rule-name"]', 'Empty');
  await p.click('[data-save="rule"]');
  assert.match(await p.textContent('[data-error="rule"]'), /the reply is empty/);
  await p.screenshot({ path: join(artifacts, 'settings-rules.png') });

  // Data file: where it is; a backup onto an existing file is refused.
  await p.click('[data-section="data"]');
  assert.match(await p.textContent('[data-data-file]'), /demo\.db$/);
  await p.fill('[data-input="backup"]', '/home/seller/.local/share/kedai/demo.db');
  await p.click('[data-run="backup"]');
  assert.match(await p.textContent('[data-error="backup"]'), /already exists/);
  await p.fill('[data-input="backup"]', '/tmp/kedai-backup.db');
  await p.click('[data-run="backup"]');
  assert.match(await p.textContent('[data-done="backup"]'), /kedai-backup\.db/);
  // "Choose…" opens the save dialog from the typed path and fills in the chosen file
  await p.click('[data-choose="export"]');
  await p.waitForFunction(() => document.querySelector('[data-input="export"]').value === '/home/seller/Documents/picked.jsonl');
  assert.ok(await p.evaluate(() => window.__mock.settingsWrites.some((w) => w[0] === 'choose' && w[1].endsWith('.jsonl'))));
  await p.click('[data-run="export"]');
  assert.match(await p.textContent('[data-done="export"]'), /picked\.jsonl/);

  await p.click('[data-section="team"]');
  await p.waitForSelector('tr[data-agent="me"]');
  await p.click('[data-section="automation"]');
  await p.waitForSelector('[data-guard-rule="phone_number"]');
  await p.selectOption('[aria-label="Level of phone_number"]', 'block');
  await p.waitForFunction(() => window.__mock.settingsWrites.some((w) => w[0] === 'guard' && w[2] === true));
  await p.fill('[data-input="template-title"]', 'Shipping time');
  await p.fill('[data-input="template-text"]', 'We ship within 24 hours, {buyer_name}.');
  await p.click('[data-save="template"]');
  await p.waitForFunction(() => window.__mock.settingsWrites.some((w) => w[0] === 'template' && w[1] === 'shipping-time'));
  await p.fill('[data-input="word"]', 'bila sampai');
  await p.click('[data-save="word"]');
  await p.waitForFunction(() => window.__mock.settingsWrites.some((w) => w[0] === 'word' && w[1] === 'bila sampai' && w[2] === false));
  assert.ok(await p.$('[data-words] tr[data-word="bila sampai"]'));
  await p.screenshot({ path: join(artifacts, 'settings-automation.png') });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('metrics: charts of the engine figures per day and week, the evaluation preview, and misses that open their chat', async () => {
  const { p, errors, ctx } = await page();
  await p.waitForSelector('.row[data-conversation]');
  await p.click('[data-nav="metrics"]');
  await p.waitForSelector('[data-page="metrics"] section[data-shop="tt-my"] .chart canvas');
  // The charted values are the figures as they came, in percent.
  const daily = await p.$eval('[data-shop="tt-my"] [data-chart="tt-my: rates per day (%)"]', (e) => JSON.parse(e.dataset.series));
  assert.deepEqual(daily.labels, ['Response rate (12 h)', 'Response rate (24 h)']);
  assert.deepEqual(daily.data[1], [95, 90, 80, 85, 90, 100, 70]);
  assert.equal(await p.$$eval('[data-shop="tt-my"] .chart canvas', (c) => c.length), 3);
  assert.equal(await p.textContent('[data-evaluation] tr[data-figure="response_rate_24h"] td[data-value]'), '87.5 %');
  assert.match(await p.textContent('[data-evaluation]'), /2 of its inquiries are still open/);
  // Today 14 of 20 (70 %) with 5 open: even all 5 in time make 19 / 25 = 76 %, below 90 %.
  assert.match(await p.textContent('[data-shop="tt-my"] .what-if'), /even with all 5 open inquiries answered in time, Response rate \(12 h\) reaches 76\.0 %/);
  assert.match(await p.textContent('[data-shop="sp-ph"] tr[data-miss="c1"]'), /holiday mode/);
  await p.screenshot({ path: join(artifacts, 'metrics.png'), fullPage: true });

  // Export as CSV and as an event log, each to the file typed.
  await p.fill('[data-input="csv"]', '/tmp/review.csv');
  await p.click('[data-run="csv"]');
  assert.match(await p.textContent('[data-done="csv"]'), /review\.csv/);
  await p.fill('[data-input="log"]', '/tmp/review.jsonl');
  await p.click('[data-run="log"]');
  assert.match(await p.textContent('[data-done="log"]'), /review\.jsonl/);
  const exported = await p.evaluate(() => window.__mock.settingsWrites.filter((w) => w[0] === 'csv' || w[0] === 'export').map((w) => w[1]));
  assert.deepEqual(exported.slice(-2), ['/tmp/review.csv', '/tmp/review.jsonl']);

  // A reversed range: refused inline, nothing asked of the app.
  const calls = () => p.evaluate(() => window.__mock.calls.filter((c) => c === 'metrics_review').length);
  const before = await calls();
  await p.fill('[data-input="from"]', '2026-07-20');
  await p.fill('[data-input="to"]', '2026-07-01');
  await p.click('[data-run="review"]');
  assert.match(await p.textContent('[data-error="range"]'), /ends before it starts/);
  assert.equal(await calls(), before);

  // A miss opens its conversation the way the inbox does.
  await p.click('[data-shop="sp-ph"] [data-open="c1"]');
  await p.waitForSelector('.chat');
  assert.equal(await p.$eval('.chat', (e) => e.dataset.conversation), 'c1');
  assert.equal(await p.$('[data-page="metrics"]'), null);
  assert.deepEqual(errors, []);
  await ctx.close();
});
