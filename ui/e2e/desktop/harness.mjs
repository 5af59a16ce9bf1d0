// What the desktop end-to-end tests need: an Xvfb display of their own, tauri-driver with
// WebKitWebDriver, a minimal W3C WebDriver client, and paths to the built binaries.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const root = resolve(here, '../../..');
const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
export const APP = process.env.KEDAI_APP ?? join(target, 'debug/kedai-desktop');
export const CLI = process.env.KEDAI_CLI ?? join(target, 'debug/kedai');
export const artifacts = join(root, 'artifacts/desktop');
mkdirSync(artifacts, { recursive: true });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function tmp(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

export async function waitFor(what, fn, timeoutMs = 30_000, everyMs = 250) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** Starts Xvfb on a free display number; stop() sends SIGTERM (a killed Xvfb leaves its lock). */
export async function startXvfb() {
  for (let n = 90 + Math.floor(Math.random() * 300); ; n++) {
    if (existsSync(`/tmp/.X${n}-lock`)) continue;
    const proc = spawn('Xvfb', [`:${n}`, '-screen', '0', '1440x900x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    const up = await waitFor('Xvfb', () => existsSync(`/tmp/.X11-unix/X${n}`) || proc.exitCode != null, 10_000, 50);
    if (proc.exitCode != null || !up) continue;
    return {
      display: `:${n}`,
      async stop() {
        proc.kill('SIGTERM');
        await waitFor('Xvfb to stop', () => proc.exitCode != null || proc.signalCode != null, 5_000, 50).catch(() => {});
      },
    };
  }
}

export function tauriDriverPath() {
  const candidates = [process.env.TAURI_DRIVER, join(process.env.HOME ?? '/root', '.cargo/bin/tauri-driver'), 'tauri-driver'];
  for (const c of candidates) {
    if (!c) continue;
    try {
      execFileSync(c, ['--help'], { stdio: 'ignore' });
      return c;
    } catch {}
  }
  throw new Error('tauri-driver is missing: cargo install tauri-driver --locked');
}

/** tauri-driver (and through it WebKitWebDriver and the app) in its own D-Bus session. */
export async function startDriver(env) {
  const port = await freePort();
  const native = await freePort();
  const log = [];
  const proc = spawn('dbus-run-session', ['--', tauriDriverPath(), '--port', String(port), '--native-port', String(native)], {
    env: { ...process.env, NO_AT_BRIDGE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: stop() ends the bus, tauri-driver, WebKitWebDriver and the app.
    detached: true,
  });
  proc.stdout.on('data', (d) => log.push(String(d)));
  proc.stderr.on('data', (d) => log.push(String(d)));
  const base = `http://127.0.0.1:${port}`;
  await waitFor('tauri-driver', async () => (await fetch(`${base}/status`)).ok, 20_000);
  return {
    base,
    log,
    display: env.DISPLAY,
    async stop() {
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {}
      proc.stdout.destroy();
      proc.stderr.destroy();
      await waitFor('tauri-driver to stop', () => proc.exitCode != null || proc.signalCode != null, 5_000, 50).catch(() => {});
    },
  };
}

/**
 * The few W3C WebDriver calls the tests use. Screenshots are taken from the X display
 * (`import -window root`), not through WebDriver: WebKitWebDriver's take-screenshot now and
 * then never answered (seen in 4 runs of 2026-11-23), and a screenshot is an artifact, not
 * a check.
 */
export async function session(base, application, args = [], display = process.env.DISPLAY) {
  async function call(method, path, body) {
    const r = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const j = await r.json();
    if (j.value && j.value.error) throw new Error(`${method} ${path}: ${j.value.error}: ${j.value.message}`);
    return j.value;
  }
  const s = await call('POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application, args } } },
  });
  const id = s.sessionId;
  return {
    exec: (script, args = []) => call('POST', `/session/${id}/execute/sync`, { script, args }),
    /** Saves the display as `artifacts/desktop/<name>.png`. */
    shot: async (name) =>
      writeFileSync(
        join(artifacts, `${name}.png`),
        execFileSync('import', ['-window', 'root', 'png:-'], { env: { ...process.env, DISPLAY: display }, maxBuffer: 1 << 26 }),
      ),
    keys: async (text) => {
      const active = await call('GET', `/session/${id}/element/active`);
      const el = Object.values(active)[0];
      return call('POST', `/session/${id}/element/${el}/value`, { text });
    },
    close: () => call('DELETE', `/session/${id}`).catch(() => {}),
  };
}

/**
 * The app in demo mode under its own Xvfb, driven through tauri-driver, once its inbox has
 * painted: `{ app, demo: { sim_url, db }, stop }`.
 */
export async function startDemoApp(prefix) {
  const xvfb = await startXvfb();
  const data = tmp(prefix);
  const info = join(data, 'demo.json');
  const driver = await startDriver({
    DISPLAY: xvfb.display,
    KEDAI_DEMO: '1',
    KEDAI_DATA_DIR: data,
    KEDAI_DEMO_INFO: info,
    KEDAI_EXIT_ON_CLOSE: '1',
  });
  const app = await session(driver.base, APP, [], driver.display);
  const stop = async () => {
    await app?.close();
    await driver?.stop();
    await xvfb?.stop();
  };
  try {
    const demo = JSON.parse(await waitFor('the demo info file', () => readFileSync(info, 'utf8'), 30_000));
    await waitFor('the inbox to paint', () => app.exec('return document.body.dataset.ready === "1"'), 60_000);
    return { app, demo, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * `script` (sh) under its own Xvfb and its own D-Bus session (`dbus-run-session`), for the
 * tests that need a notification daemon or a tray host: `{ display, output, stop }`, where
 * `output()` is everything the script and the app wrote so far (stdout and stderr).
 */
export async function startInSession(script, env = {}) {
  const xvfb = await startXvfb();
  const proc = spawn('dbus-run-session', ['--', 'sh', '-c', script], {
    env: { ...process.env, DISPLAY: xvfb.display, NO_AT_BRIDGE: '1', KEDAI_EXIT_ON_CLOSE: '1', KEDAI_LOG: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  proc.stderr.on('data', (d) => (out += d));
  proc.stdout.on('data', (d) => (out += d));
  const stop = async () => {
    // The whole group: the session bus, whatever the script started and the app.
    try {
      process.kill(-proc.pid, 'SIGTERM');
    } catch {}
    await waitFor('the session to end', () => proc.exitCode != null || proc.signalCode != null, 10_000, 100).catch(() => {});
    await xvfb.stop();
  };
  return { display: xvfb.display, output: () => out, stop };
}
