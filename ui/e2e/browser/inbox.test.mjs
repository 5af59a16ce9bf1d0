// Component flows of the built UI in headless Debian Chromium (playwright-core, no browser
// download) against the mocked IPC of mock-ipc.js, served with the app's own CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, mockSource, appForTests } from './harness.mjs';

const mock = mockSource('mock-ipc.js');
// The chat window's commands (its own tests are in chat.test.mjs).
const chatMock = mockSource('chat-mock.js');

const app = appForTests();

async function page(query = '') {
  const ctx = await app.browser.newContext({ viewport: { width: 1360, height: 860 } });
  await ctx.addInitScript(mock);
  await ctx.addInitScript(chatMock);
  const p = await ctx.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  await p.goto(app.base + query);
  await p.waitForSelector('body[data-ready="1"]');
  return { p, errors, ctx };
}

const count = (p, f) => p.textContent(`[data-count="${f}"]`).then(Number);

test('the inbox lists conversations of all three platforms, ordered by deadline, with live counts', async () => {
  const { p, errors, ctx } = await page();
  await p.waitForSelector('.row[data-conversation]');
  const platforms = await p.$$eval('.row[data-platform]', (rs) => [...new Set(rs.map((r) => r.dataset.platform))].sort());
  assert.deepEqual(platforms, ['lazada', 'shopee', 'tiktok']);
  assert.equal(await count(p, 'all'), 10);
  assert.equal(await count(p, 'overdue'), 3);
  // Overdue rows come first and are red; due-soon ones amber.
  const first = await p.$eval('.row[data-index="0"] .countdown', (e) => e.dataset.urgency);
  assert.equal(first, 'overdue');
  assert.ok(await p.$('.countdown.due_soon'));
  await p.click('[data-filter="overdue"]');
  await p.waitForFunction(() => document.querySelector('.list').dataset.total === '3');
  const urg = await p.$$eval('.row[data-conversation] .countdown', (es) => es.map((e) => e.dataset.urgency));
  assert.deepEqual(urg, ['overdue', 'overdue', 'overdue']);
  await p.screenshot({ path: join(artifacts, 'overdue-filter.png') });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('keyboard: number keys pick filters, arrows move, Enter opens, / searches', async () => {
  const { p, ctx } = await page();
  await p.waitForSelector('.row[data-conversation]');
  await p.keyboard.press('3');
  await p.waitForSelector('[data-filter="due_soon"].active');
  await p.keyboard.press('1');
  await p.waitForSelector('[data-filter="all"].active');
  await p.keyboard.press('ArrowDown');
  await p.keyboard.press('ArrowDown');
  await p.keyboard.press('Enter');
  await p.waitForSelector('.chat');
  const opened = await p.$eval('.chat', (e) => e.dataset.conversation);
  const third = await p.$eval('.row[data-index="2"]', (e) => e.dataset.conversation);
  assert.equal(opened, third);
  await p.keyboard.press('Escape');
  await p.keyboard.press('/');
  assert.equal(await p.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Search');
  await p.keyboard.type('parcel');
  await p.waitForFunction(() => document.querySelector('.list').dataset.total === '3');
  await ctx.close();
});

test('buyer names and messages with markup render as text and run nothing (XSS)', async () => {
  const { p, errors, ctx } = await page();
  const row = await p.waitForSelector('.row[data-conversation="xss"]');
  const buyer = await row.$eval('.buyer', (e) => e.textContent);
  assert.equal(buyer, '<img src=x onerror="window.__pwned=1">');
  const preview = await row.$eval('.preview', (e) => e.textContent);
  assert.ok(preview.startsWith('<script>window.__pwned=2</script>'));
  await row.click();
  await p.waitForSelector('.chat .msg .text');
  const text = await p.$eval('.chat .msg .text', (e) => e.textContent);
  assert.ok(text.includes('<img src=x onerror="window.__pwned=3">'));
  assert.equal(await p.evaluate(() => document.querySelectorAll('img, script:not([src])').length), 0);
  assert.equal(await p.evaluate(() => window.__pwned), undefined);
  await p.screenshot({ path: join(artifacts, 'xss-as-text.png') });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a change event repaints the list, the counts and the header without a reload', async () => {
  const { p, ctx } = await page();
  await p.waitForSelector('.row[data-conversation]');
  const pending = () => p.$eval('[data-shop="tt-my"] [data-figure="response_rate_12h"]', (e) => e.dataset.detail);
  await p.waitForSelector('[data-figure="response_rate_12h"]');
  assert.ok((await pending()).includes('2 pending'));
  await p.evaluate(() => {
    window.__addRow({ conversation: 'fresh', buyer: 'new-buyer', preview: 'Saya nak tanya' });
    window.__mock.pending = 3;
    window.__emit('inbox://changed', { seq: 1, now: Date.UTC(2026, 6, 20, 4), shops: ['tt-my'], crossings: 0 });
  });
  await p.waitForSelector('.row[data-conversation="fresh"]');
  assert.equal(await count(p, 'all'), 11);
  await p.waitForFunction(() => document.querySelector('[data-figure="response_rate_12h"]').dataset.detail.includes('3 pending'));
  await ctx.close();
});

test('the header shows status colours and, on hover, numerator, denominator, pending and exclusions', async () => {
  const { p, ctx } = await page();
  const fig = await p.waitForSelector('[data-shop="sp-ph"] [data-figure="chat_response_rate"]');
  assert.ok((await fig.getAttribute('class')).includes('bad'));
  await fig.hover();
  const pop = await p.$eval('[data-shop="sp-ph"] [data-figure="chat_response_rate"] .pop', (e) => [getComputedStyle(e).display, e.textContent]);
  assert.equal(pop[0], 'block');
  assert.ok(pop[1].includes('9 / 10') && pop[1].includes('2 pending') && pop[1].includes('holiday mode 1'));
  await p.screenshot({ path: join(artifacts, 'header-hover.png') });
  await ctx.close();
});

test('100,000 conversations: only the rows in view are in the page, scrolling reaches the end', async () => {
  const { p, ctx } = await page('?rows=100000');
  await p.waitForSelector('.row[data-conversation="big0"]');
  assert.ok((await p.$$('.row')).length < 60);
  await p.$eval('.list', (e) => { e.scrollTop = e.scrollHeight; });
  await p.waitForSelector('.row[data-conversation="big99999"]');
  assert.ok((await p.$$('.row')).length < 60);
  await ctx.close();
});

test('star and assign from the chat', async () => {
  const { p, ctx } = await page();
  await (await p.waitForSelector('.row[data-index="0"]')).click();
  await p.click('.chat button:has-text("Star")');
  await p.waitForSelector('.row[data-index="0"] .star');
  await p.click('.chat button:has-text("Assign to me")');
  await p.waitForSelector('.row[data-index="0"] .agent');
  await p.click('[data-tab="unassigned"]');
  await p.waitForFunction(() => document.querySelector('.list').dataset.total === '9');
  await ctx.close();
});
