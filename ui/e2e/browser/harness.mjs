// What the Chromium suites share: the built UI served with the app's own CSP, and a headless
// Debian Chromium (playwright-core, no browser download).
import { createServer } from 'node:http';
import { after, before } from 'node:test';
import { mkdirSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = join(here, '../../dist');
export const artifacts = join(here, '../../../artifacts/browser');
export const csp = JSON.parse(readFileSync(join(here, '../../../src-tauri/tauri.conf.json'), 'utf8')).app.security
  .csp;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' };

/** The source of a mock script beside this file (injected before the app's own scripts). */
export const mockSource = (name) => readFileSync(join(here, name), 'utf8');

/** Serves `ui/dist` on a free loopback port and launches Chromium: `{ base, browser, stop }`. */
export async function startApp() {
  mkdirSync(artifacts, { recursive: true });
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    const file = join(dist, path === '' ? 'index.html' : path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const stop = async () => {
    await browser.close();
    server.close();
  };
  return { base, browser, stop };
}

/**
 * A fresh page of the built UI with `mocks` (init scripts) loaded, once it has painted:
 * `{ p, ctx, errors }`, where `errors` collects page errors and CSP violations (and failed
 * requests with `failedRequests`).
 */
export async function openPage(browser, base, mocks, { width = 1360, height = 900, failedRequests = false } = {}) {
  const ctx = await browser.newContext({ viewport: { width, height } });
  for (const m of mocks) await ctx.addInitScript(m);
  const p = await ctx.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  // A CSP violation (an inline script, a remote load) is reported on the console.
  p.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text()); });
  if (failedRequests) p.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await p.goto(base);
  await p.waitForSelector('body[data-ready="1"]');
  return { p, ctx, errors };
}

/** Starts the built UI and Chromium before the calling file's tests and stops them after
 *  them; the returned object holds `base` and `browser` while the tests run. */
export function appForTests() {
  const app = {};
  before(async () => Object.assign(app, await startApp()));
  after(async () => {
    await app.stop?.();
  });
  return app;
}
