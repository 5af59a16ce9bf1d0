// The chat window and the buyer panel in headless Chromium under the app's own CSP, against
// the mocked IPC (mock-ipc.js + chat-mock.js): message kinds and senders, history paging,
// XSS, the composer (guard spans, block, length limit, paste, quick replies, suggestions,
// queued → sent, failed → retry), the tools reflected in the inbox, the inquiry's policy,
// and starting a chat from an order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, mockSource, appForTests } from './harness.mjs';

const mock = mockSource('mock-ipc.js');
const chatMock = mockSource('chat-mock.js');

const app = appForTests();

async function openChat(conversation) {
  const ctx = await app.browser.newContext({ viewport: { width: 1440, height: 900 } });
  await ctx.addInitScript(mock);
  await ctx.addInitScript(chatMock);
  // Images from the message record are https; the test has no network, so answer them here.
  await ctx.route('https://img.example/**', (r) => r.fulfill({ status: 200, contentType: 'image/png', body: PNG }));
  const p = await ctx.newPage();
  const errors = [];
  const cspViolations = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  p.on('console', (m) => { if (m.text().includes('Content Security Policy')) cspViolations.push(m.text()); });
  await p.goto(app.base);
  await p.waitForSelector('body[data-ready="1"]');
  await (await p.waitForSelector(`.row[data-conversation="${conversation}"]`)).click();
  await p.waitForSelector(`.chat-window[data-conversation="${conversation}"] .line`);
  return { p, ctx, errors, cspViolations };
}

// A 1×1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const count = (p, f) => p.textContent(`[data-count="${f}"]`).then(Number);

test('messages show their sender, kind, cards and times; an image opens large in the app', async () => {
  const { p, ctx, errors, cspViolations } = await openChat('c0');
  const w = '.chat-window';
  // The newest page: 50 of 120, the newest at the bottom.
  assert.equal(await p.$eval(`${w} .history`, (e) => e.dataset.count), '50');
  assert.equal(await p.$eval(`${w} .history`, (e) => e.dataset.more), '1');
  const sender = (id) => p.$eval(`${w} .line[data-id="${id}"] .sender`, (e) => e.textContent);
  assert.equal(await sender('k1'), 'System');
  assert.equal(await sender('k7'), 'Auto-reply');
  assert.equal(await sender('k8'), 'buyer-0');
  assert.ok((await p.textContent(`${w} .line[data-id="k3"]`)).includes('Product card'));
  assert.ok((await p.textContent(`${w} .line[data-id="k3"]`)).includes('1729'));
  assert.ok((await p.textContent(`${w} .line[data-id="k3"]`)).includes('Batik shirt'));
  assert.ok((await p.textContent(`${w} .line[data-id="k4"]`)).includes('Order card'));
  assert.ok((await p.textContent(`${w} .line[data-id="k5"]`)).includes('Return / refund card'));
  assert.ok((await p.textContent(`${w} .line[data-id="k5"]`)).includes('R-77'));
  assert.ok((await p.textContent(`${w} .line[data-id="k6"]`)).includes('CPN-10'));
  // Shop-local time on hover.
  const title = await p.$eval(`${w} .line[data-id="k8"] time`, (e) => e.title);
  assert.match(title, /^Shop time: .* \(Asia\/Kuala_Lumpur\)$/);
  // The image loads from its https address (allowed by the CSP) and opens in the app.
  await p.waitForFunction(() => document.querySelector('.line[data-id="k2"] img')?.complete);
  assert.equal(await p.$eval(`${w} .line[data-id="k2"] img`, (e) => e.naturalWidth), 1);
  await p.click(`${w} .line[data-id="k2"] .thumb`);
  await p.waitForSelector('[data-image-overlay] img[src="https://img.example/photo.jpg"]');
  await p.screenshot({ path: join(artifacts, 'chat-image-overlay.png') });
  await p.click('[data-image-overlay] .close');
  assert.equal(await p.$('[data-image-overlay]'), null);
  // Esc closes the image, not the chat.
  await p.click(`${w} .line[data-id="k2"] .thumb`);
  await p.waitForSelector('[data-image-overlay]');
  await p.keyboard.press('Escape');
  await p.waitForFunction(() => !document.querySelector('[data-image-overlay]'));
  assert.ok(await p.$(w), 'the chat stays open');
  // The open inquiry: deadline, policy, and the weekend coverage that moved it.
  assert.equal(await p.$eval(`${w} [data-policy]`, (e) => e.textContent), 'tiktok.12h');
  assert.ok(await p.$(`${w} [data-weekend-moved]`));
  await p.screenshot({ path: join(artifacts, 'chat-window.png') });
  assert.deepEqual(errors, []);
  assert.deepEqual(cspViolations, []);
  await ctx.close();
});

test('scrolling up pages back through history until the first message', async () => {
  const { p, ctx } = await openChat('c0');
  const h = '.chat-window .history';
  const firstId = () => p.$eval(`${h} .line`, (e) => e.dataset.id);
  assert.equal(await firstId(), 'h070');
  await p.$eval(h, (e) => { e.scrollTop = 0; e.dispatchEvent(new Event('scroll')); });
  await p.waitForFunction(() => document.querySelector('.chat-window .history').dataset.count === '100');
  // The message read before stays in view: the list did not jump to the top.
  assert.ok(await p.$eval(h, (e) => e.scrollTop > 0));
  await p.$eval(h, (e) => { e.scrollTop = 0; e.dispatchEvent(new Event('scroll')); });
  await p.waitForFunction(() => document.querySelector('.chat-window .history').dataset.more === '0');
  assert.equal(await p.$eval(h, (e) => e.dataset.count), '120');
  assert.equal(await firstId(), 'h000');
  const ids = await p.$$eval(`${h} .line`, (es) => es.map((e) => e.dataset.id));
  assert.equal(new Set(ids).size, ids.length, 'no message twice');
  await ctx.close();
});

test('markup in messages renders as text and runs nothing (XSS)', async () => {
  const { p, ctx, errors } = await openChat('xss');
  const text = await p.$eval('.chat-window .line[data-id="x1"] .text', (e) => e.textContent);
  assert.ok(text.startsWith('<script>window.__pwned=2</script><img src=x onerror="window.__pwned=3">'));
  assert.equal(await p.$eval('.chat-window .line[data-id="x2"] .text', (e) => e.textContent), 'Yes <b>bold</b>?');
  assert.equal(await p.$$eval('.chat-window .history img, .chat-window .history script, .chat-window .history b', (es) => es.length), 0);
  assert.equal(await p.evaluate(() => window.__pwned), undefined);
  // The buyer's name (markup too) is text in the header and the buyer panel.
  assert.equal(await p.$eval('.chat-window .buyer-name', (e) => e.textContent), '<img src=x onerror="window.__pwned=1">');
  assert.equal(await p.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the guard marks findings on their spans as the agent types; a blocking one stops the send', async () => {
  const { p, ctx } = await openChat('c0');
  const box = '.chat-window textarea[aria-label="Reply"]';
  await p.fill(box, 'Call me at 0123456789 please');
  await p.waitForSelector('.chat-window mark.warn[data-rules="phone_number"]');
  assert.equal(await p.$eval('.chat-window mark.warn', (e) => e.textContent), '0123456789');
  assert.ok((await p.textContent('.chat-window [data-rule="phone_number"]')).includes('Warning'));
  await p.screenshot({ path: join(artifacts, 'chat-guard-warning.png') });
  await p.fill(box, 'Add me on WhatsApp');
  await p.waitForSelector('.chat-window mark.block');
  await p.click('.chat-window [data-send]');
  await p.waitForSelector('.chat-window [data-refusal]');
  assert.ok((await p.textContent('.chat-window [data-refusal]')).includes('messaging account'));
  assert.equal(await p.$$eval('.chat-window .line[data-state="queued"]', (es) => es.length), 0, 'nothing queued');
  assert.equal(await p.inputValue(box), 'Add me on WhatsApp', 'the draft stays for editing');
  await ctx.close();
});

test('a clean reply is queued, then shown sent; a failed one shows the reason and retries', async () => {
  const { p, ctx } = await openChat('c0');
  const box = '.chat-window textarea[aria-label="Reply"]';
  await p.fill(box, 'Yes, ships today.');
  await p.click('.chat-window [data-send]');
  await p.waitForSelector('.chat-window .line[data-state="queued"] [data-outbox-state="queued"]');
  assert.equal(await p.inputValue(box), '');
  await p.evaluate(() => window.__chat.deliver(1));
  await p.waitForSelector('.chat-window .line[data-id="sent-1"][data-state="sent"]');
  assert.equal(await p.$$eval('.chat-window .line[data-state="queued"]', (es) => es.length), 0);
  await p.fill(box, 'Second reply');
  await p.click('.chat-window [data-send]');
  await p.waitForSelector('.chat-window .line[data-state="queued"]');
  await p.evaluate(() => window.__chat.fail(2, 'HTTP 500 from the platform'));
  await p.waitForSelector('.chat-window .line[data-state="failed"] .retry');
  assert.ok((await p.textContent('.chat-window .line[data-state="failed"]')).includes('HTTP 500 from the platform'));
  await p.screenshot({ path: join(artifacts, 'chat-failed-retry.png') });
  await p.click('.chat-window .line[data-state="failed"] .retry');
  await p.waitForSelector('.chat-window .line[data-id="outbox-2"][data-state="queued"]');
  assert.ok((await p.evaluate(() => window.__chat.calls)).includes('chat_retry'));
  await ctx.close();
});

test('the length limit, image paste, quick replies and suggestions', async () => {
  const { p, ctx } = await openChat('c0');
  const box = '.chat-window textarea[aria-label="Reply"]';
  await p.fill(box, 'a'.repeat(2001));
  await p.waitForSelector('.chat-window [data-counter].over');
  assert.equal(await p.textContent('.chat-window [data-counter]'), '2001 / 2000');
  assert.ok(await p.$eval('.chat-window [data-send]', (e) => e.disabled));
  await p.fill(box, '');
  // Pasting an image on TikTok Shop: its bytes go to the outbox (raw body, type as a header)
  // and the chat shows it queued, waiting to be uploaded.
  await p.$eval(box, (el) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'shot.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await p.waitForFunction(() => window.__chat.image);
  assert.deepEqual(await p.evaluate(() => window.__chat.image), { size: 4, first: 137, shop: 'tt-my', conversation: 'c0', mime: 'image/png' });
  await p.waitForSelector('.chat-window .line[data-kind="image"][data-state="queued"] [data-media="missing"]');
  assert.ok((await p.textContent('.chat-window [data-notice]')).includes('Image queued'));
  await p.selectOption('.chat-window select[aria-label="Quick replies"]', 'greet');
  assert.equal(await p.inputValue(box), 'Hi Siti, thanks for order 5001!');
  await p.fill(box, '');
  assert.equal(await p.$$eval('.chat-window [data-suggestion]', (es) => es.length), 3);
  await p.click('.chat-window [data-suggestion="0"]');
  assert.equal(await p.inputValue(box), 'Yes, it is in stock.');
  await ctx.close();
});

test('No response needed and End session show at once in the inbox counts; transfer and report are recorded', async () => {
  const { p, ctx } = await openChat('c0');
  const unreplied = await count(p, 'unreplied');
  const closed = await count(p, 'closed');
  await p.click('.chat-window [data-tool="no_response_needed"]');
  await p.waitForFunction((n) => Number(document.querySelector('[data-count="unreplied"]').textContent) === n - 1, unreplied);
  await p.waitForSelector('.chat-window [data-inquiry="none"]');
  await p.click('.chat-window [data-tool="end_session"]');
  await p.waitForFunction((n) => Number(document.querySelector('[data-count="closed"]').textContent) === n + 1, closed);
  await p.click('.chat-window [data-tool="transfer"]');
  await p.selectOption('.chat-window select[aria-label="Transfer to"]', 'me');
  await p.fill('.chat-window textarea[aria-label="Transfer note"]', 'VIP buyer');
  await p.click('.chat-window [data-form="transfer"] button[type="submit"]');
  await p.waitForSelector('.chat-window [data-action="transfer"]');
  assert.ok((await p.textContent('.chat-window [data-action="transfer"]')).includes('VIP buyer'));
  await p.click('.chat-window [data-tool="report"]');
  await p.selectOption('.chat-window select[aria-label="Report reason"]', 'harassment');
  await p.fill('.chat-window textarea[aria-label="Report note"]', 'insults');
  await p.click('.chat-window [data-form="report"] button[type="submit"]');
  await p.waitForSelector('.chat-window [data-action="report_abuse"] [data-delivery="recorded_locally"]');
  assert.ok((await p.textContent('.chat-window [data-action="report_abuse"]')).includes('recorded locally'));
  await p.screenshot({ path: join(artifacts, 'chat-tools.png') });
  await ctx.close();
});

test('the buyer panel: insight tags say why; a chat from an order opens or says why not', async () => {
  const { p, ctx } = await openChat('c0');
  const panel = '.chat-window .buyer-panel';
  await p.waitForSelector(`${panel} [data-tag="frequent_customer"]`);
  assert.equal(await p.$eval(`${panel} [data-tag="frequent_customer"]`, (e) => e.title), '2 orders in the last 90 days (more than 1)');
  assert.equal(await p.textContent(`${panel} [data-stat="csat"]`), '4.5 / 5');
  assert.equal(await p.textContent(`${panel} [data-stat="orders"]`), '2');
  // the name the platform listed, as text
  assert.ok((await p.textContent(panel)).includes('Siti <i>A</i>'));
  assert.equal(await p.$$eval(`${panel} i`, (es) => es.length), 0);
  // tracking where the platform's order card gave it, as text; otherwise said plainly
  await p.click(`${panel} [data-order="5001"] summary`);
  const tracking = await p.textContent(`${panel} [data-tracking="5001"]`);
  assert.ok(tracking.includes('tracking number') && tracking.includes('JNT<b>123</b>'), tracking);
  await p.click(`${panel} [data-order="4001"] summary`);
  assert.ok((await p.textContent(`${panel} [data-order="4001"]`)).includes('gave none for this order'));
  await p.click(`${panel} [data-chat-order="4001"]`);
  await p.waitForSelector(`${panel} [data-order="4001"] [data-answer]`);
  assert.ok((await p.textContent(`${panel} [data-order="4001"] [data-answer]`)).includes('60 days'));
  await p.selectOption(`${panel} select[aria-label="Order status"]`, 'shipped');
  assert.equal(await p.$$eval(`${panel} [data-order]`, (es) => es.length), 1);
  await p.fill(`${panel} input[aria-label="Order id"]`, '50');
  await p.click(`${panel} form.order-search button`);
  await p.waitForSelector(`${panel} [data-hit="5001"]`);
  await p.screenshot({ path: join(artifacts, 'buyer-panel.png') });
  await ctx.close();
});
