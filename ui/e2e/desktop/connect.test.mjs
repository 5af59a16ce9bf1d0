// End to end: the app starts in demo mode; a second, standalone simulator (`kedai sim`) plays
// the "real" platform. Settings → Shops → "Connect a shop" is filled through WebDriver; the
// browser is a script that follows the authorize page's redirect with curl (KEDAI_BROWSER).
// The status reaches "connected", the app leaves demo mode without a restart (banner gone),
// and the connected shop's conversations fill the inbox. Secrets go to the file fallback in
// the temporary data directory (no keyring service on the test's own D-Bus session).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP, CLI, freePort, session, startDriver, startXvfb, tmp, waitFor } from './harness.mjs';

let xvfb;
let driver;
let app;
let sim;
let simUrl;
let data;

before(async () => {
  // The "real" platform: a simulator of its own, other seed, its clock running.
  const port = await freePort();
  simUrl = `http://127.0.0.1:${port}`;
  sim = spawn(CLI, ['sim', '--port', String(port), '--seed', '41', '--conversations', '12', '--speed', '1'], { stdio: 'ignore' });
  await waitFor('the standalone simulator', async () => (await fetch(`${simUrl}/_sim/shops`)).ok, 60_000);

  data = tmp('kedai-e2e-connect-');
  const browser = join(data, 'browser.sh');
  writeFileSync(browser, '#!/bin/sh\n# the seller grants access: follow the redirect to the app\'s loopback listener\nexec curl -sL -o /dev/null "$1"\n');
  chmodSync(browser, 0o755);
  xvfb = await startXvfb();
  driver = await startDriver({
    DISPLAY: xvfb.display,
    KEDAI_DEMO: '1',
    KEDAI_DATA_DIR: data,
    KEDAI_DEMO_INFO: join(data, 'demo.json'),
    KEDAI_BROWSER: browser,
    KEDAI_EXIT_ON_CLOSE: '1',
  });
  app = await session(driver.base, APP, [], driver.display);
  await waitFor('the demo inbox to paint', () => app.exec('return document.body.dataset.ready === "1"'), 60_000);
});

after(async () => {
  await app?.close();
  await driver?.stop();
  await xvfb?.stop();
  sim?.kill('SIGTERM');
});

const setValue = (selector, value, event = 'input') =>
  app.exec(`const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event(arguments[2], { bubbles: true }));`, [selector, value, event]);
const click = (selector) => app.exec('document.querySelector(arguments[0]).click()', [selector]);
const F = (name) => `[data-connect-form] [data-connect-input="${name}"]`;

test('connecting a shop through the browser ends demo mode and its conversations fill the inbox', async () => {
  assert.equal(await app.exec('return !!document.querySelector(".banner.demo")'), true, 'demo banner at start');
  const shops = await (await fetch(`${simUrl}/_sim/shops`)).json();
  const lazada = shops.find((s) => s.platform === 'lazada');
  assert.ok(lazada, 'the standalone simulator has a Lazada shop');

  await click('[data-nav="settings"]');
  await waitFor('the connect form', () => app.exec('return !!document.querySelector("[data-connect-form]")'), 30_000);
  await setValue(F('platform'), 'lazada', 'change');
  await setValue(F('region'), lazada.region, 'change');
  await setValue(F('zone'), lazada.tz);
  await setValue(F('name'), 'Real Lazada');
  await setValue(F('app_key'), lazada.credentials.app_key);
  await setValue(F('app_secret'), lazada.credentials.app_secret);
  await setValue(F('api_base'), simUrl);
  await app.shot('connect-form');
  await click('[data-action="connect"]');

  // The switch reloads the page; it comes back without the banner, on the real file.
  await waitFor('the demo banner to go', () => app.exec(`return document.body.dataset.ready === "1"
    && !document.querySelector('.banner.demo')`), 90_000);
  await waitFor('the connected shop in the inbox', () => app.exec(`const rs = [...document.querySelectorAll('.row[data-conversation]')];
    return rs.length > 0 && rs.every((r) => r.dataset.shop === 'lz-my' && r.dataset.platform === 'lazada')`), 90_000);
  await app.shot('connect-inbox');

  await click('[data-nav="settings"]');
  await waitFor('the status line', () => app.exec('return !!document.querySelector(\'[data-connect-status="connected"]\')'), 30_000);
  const status = await app.exec('return document.querySelector(\'[data-connect-status="connected"]\').textContent');
  assert.match(status, /Connected \(lz-my\)/);
  assert.equal(await app.exec('return document.querySelector("[data-demo-switch]").checked'), false);
  await app.shot('connect-connected');

  // kedai.toml has the shop's public ids, never its secrets; the secrets are in the
  // owner-only file beside kedai.db (or the keyring, when the session has one).
  const toml = readFileSync(join(data, 'kedai.toml'), 'utf8');
  assert.match(toml, /id = "lz-my"/);
  assert.match(toml, new RegExp(`base_url = "${simUrl}"`));
  assert.equal(toml.includes(lazada.credentials.app_secret), false, 'no app secret in kedai.toml');
  const secretsFile = join(data, 'kedai-secrets.json');
  assert.ok(existsSync(secretsFile), 'the file fallback (no keyring service on the test bus)');
  assert.equal(statSync(secretsFile).mode & 0o777, 0o600);
  const kept = JSON.parse(readFileSync(secretsFile, 'utf8'))['lz-my'];
  assert.equal(kept.app_secret, lazada.credentials.app_secret);
  assert.ok(kept.access_token && kept.refresh_token, 'tokens kept');
  assert.equal(toml.includes(kept.access_token), false);
  // The choice is kept for the next launch.
  assert.deepEqual(JSON.parse(readFileSync(join(data, 'kedai-app.json'), 'utf8')), { demo: false });
});

test('the Demo data switch swaps to the simulated shops and back without a restart', async () => {
  // on: the demo file with the simulator's three shops again
  await click('[data-demo-switch]');
  await waitFor('the demo banner', () => app.exec(`return document.body.dataset.ready === "1"
    && !!document.querySelector('.banner.demo')`), 90_000);
  await waitFor('three simulated platforms', () => app.exec(`return new Set([...document.querySelectorAll('.row[data-platform]')]
    .map((r) => r.dataset.platform)).size === 3`), 90_000);
  assert.deepEqual(JSON.parse(readFileSync(join(data, 'kedai-app.json'), 'utf8')), { demo: true });
  // off: back on kedai.db with the connected shop, still configured
  await click('[data-nav="settings"]');
  await waitFor('the switch', () => app.exec('return !!document.querySelector("[data-demo-switch]")'), 30_000);
  await click('[data-demo-switch]');
  await waitFor('the real shop again', () => app.exec(`const rs = [...document.querySelectorAll('.row[data-conversation]')];
    return document.body.dataset.ready === "1" && !document.querySelector('.banner.demo')
      && rs.length > 0 && rs.every((r) => r.dataset.shop === 'lz-my')`), 90_000);
  await app.shot('connect-demo-off-again');
});

test('Remove shop takes the shop out of kedai.toml and deletes its secrets', async () => {
  await click('[data-nav="settings"]');
  await waitFor('the shop in Settings', () => app.exec('return !!document.querySelector(\'[data-remove="lz-my"]\')'), 30_000);
  await click('[data-remove="lz-my"]');
  // the command writes kedai.toml, then the secrets file: wait for both
  await waitFor('kedai.toml and the secrets without the shop', () => !readFileSync(join(data, 'kedai.toml'), 'utf8').includes('id = "lz-my"')
    && JSON.parse(readFileSync(join(data, 'kedai-secrets.json'), 'utf8'))['lz-my'] === undefined, 30_000);
  await waitFor('the page back after the sync restarted', () => app.exec('return document.body.dataset.ready === "1"'), 30_000);
  // the rest of the file is still a config (the header comment kept)
  assert.match(readFileSync(join(data, 'kedai.toml'), 'utf8'), /^# Kedai: the shops to sync/);
});
