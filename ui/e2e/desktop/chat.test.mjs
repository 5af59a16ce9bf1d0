// The chat window end to end on the real app in demo mode (kedai-sync against the in-process
// simulator), under its own Xvfb through tauri-driver + WebKitWebDriver: open a chat, get a
// policy-guard warning on a phone number, send a clean reply and see it go queued → sent,
// the conversation leave Unreplied (checked against `kedai inbox` on the same file), and the
// reply reach the platform once; then No response needed shows in `kedai export`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CLI, startDemoApp, waitFor } from './harness.mjs';

let app;
let demo;
let stop;

before(async () => {
  ({ app, demo, stop } = await startDemoApp('kedai-e2e-chat-'));
});

after(async () => {
  await stop?.();
});

// The conversation as the engine reads the file, at the instant of the UI's counts.
const inboxRow = async (conversation) => {
  const at = new Date(await app.exec('return Number(document.querySelector(".filters").dataset.countsAt)')).toISOString();
  const out = execFileSync(CLI, ['inbox', '--db', demo.db, '--at', at, '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out).conversations?.find((c) => c.conversation === conversation) ?? null;
};

async function typeReply(text) {
  await app.exec(`const t = document.querySelector('.chat-window textarea[aria-label="Reply"]');
    t.value = arguments[0]; t.dispatchEvent(new Event('input', { bubbles: true }));`, [text]);
}

async function injectAndOpen(shop, words) {
  const text = `E2E ${Date.now()} ${words}`;
  const r = await fetch(`${demo.sim_url}/_sim/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shop, text }),
  });
  assert.ok(r.ok, `inject: ${r.status}`);
  await app.exec(`const i = document.querySelector('input[aria-label="Search"]'); i.value = arguments[0];
    i.dispatchEvent(new Event('input'));`, [text.slice(0, 17)]);
  const conversation = await waitFor('the injected message in the list', () =>
    app.exec(`const r = [...document.querySelectorAll('.row[data-conversation]')]
        .find((x) => x.querySelector('.preview').textContent.includes(arguments[0]));
      if (!r) return null; r.click(); return r.dataset.conversation;`, [text]), 30_000);
  await waitFor('the chat window', () =>
    app.exec(`return !!document.querySelector('.chat-window[data-conversation="' + arguments[0] + '"] .line')`, [conversation]), 15_000);
  return { conversation, text };
}

test('a guard warning on a phone number, then a clean reply goes queued → sent and leaves Unreplied', async () => {
  const { conversation, text } = await injectAndOpen('tt-my', 'can I pay cash on delivery?');
  assert.ok(await app.exec(`return [...document.querySelectorAll('.chat-window .line .text')].some((e) => e.textContent === arguments[0])`, [text]));

  await typeReply('Call us on 0123456789 for details');
  await waitFor('the guard warning on its span', () =>
    app.exec(`const m = document.querySelector('.chat-window mark[data-rules~="phone_number"]'); return m ? m.textContent : null;`), 10_000);
  assert.ok(await app.exec(`return !!document.querySelector('.chat-window [data-rule="phone_number"]')`));
  await app.shot('chat-guard-warning');

  const header = (shop, figure) => app.exec(`return document.querySelector('[data-shop="${shop}"] [data-figure="${figure}"]')?.dataset.detail ?? ''`);
  const before = await header('tt-my', 'response_rate_12h');
  const reply = `E2E reply ${Date.now()}: yes, cash on delivery is available`;
  await typeReply(reply);
  await waitFor('the warning gone', () => app.exec(`return !document.querySelector('.chat-window mark')`), 10_000);
  await app.exec(`document.querySelector('.chat-window [data-send]').click()`);
  const seen = await waitFor('the reply in the chat', () =>
    app.exec(`const l = [...document.querySelectorAll('.chat-window .line')].find((x) => x.textContent.includes(arguments[0]));
      return l ? l.dataset.state : null;`, [reply]), 10_000);
  assert.ok(['queued', 'sending', 'sent'].includes(seen), seen);
  await waitFor('the reply marked sent', () =>
    app.exec(`const l = [...document.querySelectorAll('.chat-window .line')].find((x) => x.textContent.includes(arguments[0]));
      return l && l.dataset.state === 'sent';`, [reply]), 45_000);
  await app.shot('chat-sent');
  // The header's figure moves with it (numerator, pending).
  await waitFor('the header figure to change', async () => (await header('tt-my', 'response_rate_12h')) !== before, 20_000);

  // Once on the platform.
  const log = await (await fetch(`${demo.sim_url}/_sim/events`)).text();
  assert.equal(log.split('\n').filter((l) => l.includes(reply)).length, 1, 'sent exactly once');
  // The engine agrees: no longer unreplied.
  const row = await waitFor('the engine to see the reply', async () => {
    const r = await inboxRow(conversation);
    return r && r.unreplied === false ? r : null;
  }, 20_000);
  assert.equal(row.unreplied, false);
});

test('an image pasted on TikTok Shop is uploaded and sent once, and shows as the platform\'s image', async () => {
  const { conversation } = await injectAndOpen('tt-my', 'can you send a photo of the label?');
  // A real paste event in the webview: the bytes go over the raw IPC body.
  const sent = await app.exec(`const t = document.querySelector('.chat-window textarea[aria-label="Reply"]');
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82])], 'label.png', { type: 'image/png' }));
    t.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    return true;`);
  assert.ok(sent);
  const line = await waitFor('the image marked sent with the platform\'s address', () =>
    app.exec(`const l = [...document.querySelectorAll('.chat-window .line[data-from="agent"][data-kind="image"]')].pop();
      const img = l && l.querySelector('img');
      return l && l.dataset.state === 'sent' && img ? img.getAttribute('src') : null;`), 45_000);
  assert.match(line, /^https:\/\//);
  await app.shot('chat-image-sent');
  // On the platform once, as an image in that conversation.
  const log = await (await fetch(`${demo.sim_url}/_sim/events`)).text();
  const images = log.split('\n').filter((l) => l.includes(`"conversation":"${conversation}"`) && l.includes('"from":"agent"') && l.includes('"kind":"image"'));
  assert.equal(images.length, 1, images.join('\n'));
});

test('No response needed is reflected in the chat and exported as a mark', async () => {
  const { conversation } = await injectAndOpen('sp-ph', 'buy followers cheap!!!');
  await waitFor('the tool enabled', () =>
    app.exec(`const b = document.querySelector('.chat-window [data-tool="no_response_needed"]'); return b && !b.disabled;`), 15_000);
  const excluded = async () => {
    const d = await app.exec(`return document.querySelector('[data-shop="sp-ph"] [data-figure="chat_response_rate"]')?.dataset.detail ?? ''`);
    return Number(/no response needed (\d+)/.exec(d)?.[1] ?? 0);
  };
  const excludedBefore = await excluded();
  await app.exec(`document.querySelector('.chat-window [data-tool="no_response_needed"]').click()`);
  await waitFor('no open inquiry', () => app.exec(`return !!document.querySelector('.chat-window [data-inquiry="none"]')`), 15_000);
  const out = execFileSync(CLI, ['export', '--db', demo.db, '--shop', 'sp-ph'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.ok(
    out.split('\n').some((l) => l.includes('"type":"mark"') && l.includes('"no_response_needed"') && l.includes(`"conversation":"${conversation}"`)),
    'exported as a mark',
  );
  // The exclusion is counted: in the header at once, and by the engine over the file.
  await waitFor('the header to count the exclusion', async () => (await excluded()) > excludedBefore, 15_000);
  const at = new Date(await app.exec('return Number(document.querySelector(".filters").dataset.countsAt)')).toISOString();
  const m = JSON.parse(execFileSync(CLI, ['metrics', '--db', demo.db, '--at', at, '--shop', 'sp-ph', '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 }));
  assert.ok(m.shops[0].metrics.chat_response_rate.excluded.no_response_needed >= 1, JSON.stringify(m.shops[0].metrics.chat_response_rate.excluded));
  await app.shot('chat-no-response-needed');
});
