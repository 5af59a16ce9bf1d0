// End to end on the real app: kedai-desktop in demo mode (simulator in-process, three
// shops, accelerated clock) under its own Xvfb, driven through tauri-driver + WebKitWebDriver.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CLI, startDemoApp, waitFor } from './harness.mjs';

let app;
let demo;
let stop;

before(async () => {
  ({ app, demo, stop } = await startDemoApp('kedai-e2e-'));
});

after(async () => {
  await stop?.();
});

const counts = () =>
  app.exec(`const f = document.querySelector('.filters');
    return { at: Number(f.dataset.countsAt), overdue: Number(document.querySelector('[data-count="overdue"]').textContent),
             all: Number(document.querySelector('[data-count="all"]').textContent) };`);

test('the inbox shows conversations of all three platforms', async () => {
  await waitFor('rows', () => app.exec('return document.querySelectorAll(".row[data-conversation]").length > 5'), 30_000);
  for (const p of ['tiktok', 'shopee', 'lazada']) {
    await app.exec(`const s = document.querySelector('[data-pick="platform"]'); s.value = arguments[0];
      s.dispatchEvent(new Event('change'));`, [p]);
    const seen = await waitFor(`${p} rows`, () =>
      app.exec(`const rs = [...document.querySelectorAll('.row[data-platform]')];
        return rs.length > 0 && rs.every((r) => r.dataset.platform === arguments[0]) ? rs.length : 0;`, [p]), 15_000);
    assert.ok(seen > 0, `${p} has conversations`);
  }
  await app.exec(`const s = document.querySelector('[data-pick="platform"]'); s.value = '';
    s.dispatchEvent(new Event('change'));`);
  await waitFor('every platform again', () =>
    app.exec(`return document.querySelector('.list').dataset.total === document.querySelector('[data-count="all"]').textContent
      && Number(document.querySelector('[data-count="all"]').textContent) >= 3
      && new Set([...document.querySelectorAll('.row[data-platform]')].map((r) => r.dataset.platform)).size === 3`), 15_000);
  await app.shot('inbox');
});

test('the Overdue count equals the engine\'s count for the same data at the same instant', async () => {
  // Sync keeps writing; the engine reviews the file at the instant the UI's counts are for.
  assert.equal(await app.exec(`return document.querySelector('[data-pick="platform"]').value`), '');
  let last;
  for (let attempt = 0; attempt < 4; attempt++) {
    const c = await counts();
    const at = new Date(c.at).toISOString();
    const out = execFileSync(CLI, ['inbox', '--db', demo.db, '--at', at, '--json'], { encoding: 'utf8' });
    const engine = JSON.parse(out).counts.overdue;
    last = { ui: c.overdue, engine, at };
    if (c.overdue === engine && c.overdue > 0) break;
  }
  console.log(`overdue: UI ${last.ui}, engine ${last.engine} at ${last.at}`);
  assert.ok(last.ui > 0, `the demo has overdue chats (${JSON.stringify(last)})`);
  assert.equal(last.ui, last.engine, `UI and engine at ${last.at}`);
});

test('a buyer message injected into the simulator appears in the list, and the header updates', async () => {
  const header = () => app.exec(`return [...document.querySelectorAll('[data-shop="sp-ph"] [data-figure]')].map((e) => e.dataset.detail).join('|')`);
  const seqBefore = await app.exec('return Number(document.querySelector(".filters").dataset.seq)');
  const before = await header();
  const text = `E2E ${Date.now()} is the blue one in stock?`;
  const r = await fetch(`${demo.sim_url}/_sim/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shop: 'sp-ph', text }),
  });
  assert.ok(r.ok, `inject: ${r.status}`);
  const event = await r.json();
  const conversation = event.conversation ?? event.message?.conversation;
  await app.exec(`const i = document.querySelector('input[aria-label="Search"]'); i.value = arguments[0];
    i.dispatchEvent(new Event('input'));`, [text.slice(0, 17)]);
  const row = await waitFor('the injected message in the list', () =>
    app.exec(`const r = [...document.querySelectorAll('.row[data-conversation]')]
        .find((x) => x.querySelector('.preview').textContent.includes(arguments[0]));
      return r ? { conversation: r.dataset.conversation, preview: r.querySelector('.preview').textContent, shop: r.dataset.shop } : null;`, [text]), 20_000);
  assert.equal(row.shop, 'sp-ph');
  if (conversation) assert.equal(row.conversation, conversation);
  assert.ok(row.preview.includes('is the blue one in stock?'));
  await app.shot('injected');
  await waitFor('a change event', async () => (await app.exec('return Number(document.querySelector(".filters").dataset.seq)')) > seqBefore, 10_000);
  await waitFor('the header to update', async () => (await header()) !== before, 20_000);
  await app.exec(`const i = document.querySelector('input[aria-label="Search"]'); i.value = '';
    i.dispatchEvent(new Event('input'));`);
});

test('demo syncs every shop through the connectors, and a queued reply reaches the platform once', async () => {
  const status = () => JSON.parse(execFileSync(CLI, ['sync', 'status', '--db', demo.db, '--json'], { encoding: 'utf8' }));
  const shops = await waitFor('every shop synced', () => {
    const s = status().shops;
    return s.length === 3 && s.every((x) => x.last_success && !x.last_error && !x.needs_reconnect) ? s : null;
  }, 30_000);
  assert.deepEqual(shops.map((s) => s.platform).sort(), ['lazada', 'shopee', 'tiktok']);
  assert.equal(await app.exec('return document.querySelector("[data-offline]") === null'), true, 'no offline banner');

  // a reply written against the app's file goes out through the app's outbox
  const r = await fetch(`${demo.sim_url}/_sim/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shop: 'tt-my', text: `E2E ${Date.now()} do you ship to Penang?` }),
  });
  assert.ok(r.ok, `inject: ${r.status}`);
  const event = await r.json();
  const conversation = event.conversation ?? event.message?.conversation;
  assert.ok(conversation, JSON.stringify(event));
  await waitFor('the conversation synced', () =>
    execFileSync(CLI, ['export', '--db', demo.db, '--shop', 'tt-my'], { encoding: 'utf8', maxBuffer: 1 << 28 })
      .includes(`"conversation":"${conversation}"`), 20_000);
  const reply = `E2E reply ${Date.now()}: yes, 2 to 3 days to Penang`;
  execFileSync(CLI, ['reply', '--db', demo.db, '--shop', 'tt-my', '--conversation', conversation, '--text', reply]);
  const sent = await waitFor('the reply on the platform', async () => {
    const log = await (await fetch(`${demo.sim_url}/_sim/events`)).text();
    const lines = log.split('\n').filter((l) => l.includes(reply));
    return lines.length ? lines : null;
  }, 30_000);
  assert.equal(sent.length, 1, 'sent exactly once');
  await waitFor('the outbox entry sent', () =>
    status().shops.every((s) => s.outbox_waiting === 0 && s.outbox_failed === 0), 20_000);
});

