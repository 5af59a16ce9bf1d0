// Settings → Shops: "Connect a shop" and the demo switch, in headless Chromium under the
// app's CSP against mock-ipc.js + settings-mock.js + connect-mock.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, mockSource, openPage, appForTests } from './harness.mjs';

const mocks = [mockSource('mock-ipc.js'), mockSource('settings-mock.js'), mockSource('connect-mock.js')];

const app = appForTests();

async function page() {
  const { p, ctx, errors } = await openPage(app.browser, app.base, mocks, { height: 1000 });
  await p.click('[data-nav="settings"]');
  await p.waitForSelector('[data-connect-form]');
  return { p, errors, ctx };
}

const calls = (p) => p.evaluate(() => window.__mock.connectCalls);
const status = async (p, stage) => {
  await p.waitForSelector(`[data-connect-status="${stage}"]`);
  return p.textContent(`[data-connect-status="${stage}"]`);
};
const F = (name) => `[data-connect-form] [data-connect-input="${name}"]`;

test('connect form: checked before sending, then waiting, exchanging, failed with the reason, cancel, connected', async () => {
  const { p, errors, ctx } = await page();

  // Nothing filled: an inline error, no call.
  await p.click('[data-action="connect"]');
  assert.match(await p.textContent('[data-error="connect"]'), /Give the app key/);
  await p.selectOption(F('platform'), 'shopee');
  await p.fill(F('app_key'), 'abc');
  await p.fill(F('app_secret'), 'k');
  await p.click('[data-action="connect"]');
  assert.match(await p.textContent('[data-error="connect"]'), /partner id is a number/);
  assert.deepEqual(await calls(p), []);

  // A Lazada shop in PH against a sandbox: the region fills the zone.
  await p.selectOption(F('platform'), 'lazada');
  await p.selectOption(F('region'), 'PH');
  assert.equal(await p.inputValue(F('zone')), 'Asia/Manila');
  await p.fill(F('name'), 'Manila Lazada');
  await p.fill(F('app_key'), '100234');
  await p.fill(F('app_secret'), 'SECRET-LZ-999');
  await p.click('[data-connect-form] details.advanced summary');
  await p.fill(F('api_base'), 'http://127.0.0.1:8787');
  await p.click('[data-action="connect"]');
  assert.match(await status(p, 'waiting_for_browser'), /Waiting for the browser \(lz-ph\)/);
  assert.match(await p.textContent('[data-authorize-url]'), /_sim\/authorize\?platform=lazada/);
  const [[kind, req]] = await calls(p);
  assert.equal(kind, 'start');
  assert.deepEqual(req, {
    platform: 'lazada', region: 'PH', zone: 'Asia/Manila', name: 'Manila Lazada',
    app_key: '100234', app_secret: 'SECRET-LZ-999', api_base: 'http://127.0.0.1:8787',
  });
  // The secret leaves the page once sent; the form is locked while the flow runs.
  assert.equal(await p.inputValue(F('app_secret')), '');
  assert.equal(await p.evaluate(() => document.documentElement.outerHTML.includes('SECRET-LZ-999')), false);
  assert.equal(await p.isDisabled('[data-action="connect"]'), true);
  await p.screenshot({ path: join(artifacts, 'connect-waiting.png'), fullPage: true });

  await p.evaluate(() => window.__connect.progress('exchanging', 'Exchanging the code for tokens…'));
  assert.match(await status(p, 'exchanging'), /Exchanging the code/);
  await p.evaluate(() => window.__connect.progress('failed',
    'the redirect did not carry the state Kedai sent (not the authorization this app started); start again', { reason: 'state_mismatch' }));
  assert.match(await status(p, 'failed'), /Not connected \(lz-ph\): the redirect did not carry the state/);
  assert.equal(await p.isVisible('[data-action="cancel-connect"]'), false);
  assert.equal(await p.isDisabled('[data-action="connect"]'), false);

  // Again, then cancelled while waiting for the browser.
  await p.fill(F('app_secret'), 'SECRET-LZ-999');
  await p.click('[data-action="connect"]');
  await status(p, 'waiting_for_browser');
  await p.click('[data-action="cancel-connect"]');
  assert.match(await status(p, 'cancelled'), /Cancelled/);
  assert.deepEqual((await calls(p)).map((c) => c[0]), ['start', 'start', 'cancel']);

  // Again, and this time the flow reports the shop connected.
  await p.fill(F('app_secret'), 'x');
  await p.click('[data-action="connect"]');
  await status(p, 'waiting_for_browser');
  await p.evaluate(() => window.__connect.progress('connected', 'Connected Manila Lazada: its chats sync into /data/kedai.db.'));
  assert.match(await status(p, 'connected'), /Connected \(lz-ph\): Connected Manila Lazada/);
  await p.screenshot({ path: join(artifacts, 'connect-connected.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('demo switch: turning demo off asks the app and reloads the page on app://mode-changed', async () => {
  const { p, errors, ctx } = await page();
  assert.equal(await p.isChecked('[data-demo-switch]'), true);
  await p.evaluate(() => { window.__notReloaded = true; });
  await Promise.all([p.waitForEvent('load'), p.click('[data-demo-switch]')]);
  await p.waitForSelector('body[data-ready="1"]');
  assert.equal(await p.evaluate(() => window.__notReloaded === true), false, 'the page reloaded');
  assert.deepEqual(await p.evaluate(() => JSON.parse(sessionStorage.getItem('kedai-mock-set-demo'))), { on: false });
  assert.deepEqual(errors, []);
  await ctx.close();
});
