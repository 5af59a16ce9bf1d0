// The due-soon notification: the app on a pinned clock just before a chat becomes due soon,
// under its own D-Bus session where dunst answers, with dbus-monitor recording every
// Notify call. The notification must name that chat, and a click on it opens the chat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP, CLI, artifacts, root, startInSession, tmp, waitFor } from './harness.mjs';

test('a chat that becomes due soon gets one desktop notification naming it', async () => {
  const dir = tmp('kedai-notify-');
  const db = join(dir, 'notify.db');
  execFileSync(CLI, ['import', join(root, 'samples/sample-events.jsonl'), '--db', db]);
  // The chat whose due-soon instant comes next after the sample's end, on its own clock.
  const end = '2026-07-20T12:00:00+08:00';
  const report = JSON.parse(execFileSync(CLI, ['inbox', '--db', db, '--at', end, '--json'], { encoding: 'utf8' }));
  const candidates = report.conversations
    .filter((r) => r.due_soon_at && !r.closed && Date.parse(r.due_soon_at) > Date.parse(r.last_message_at ?? r.opened_at) + 60_000)
    .sort((a, b) => Date.parse(a.due_soon_at) - Date.parse(b.due_soon_at));
  assert.ok(candidates.length > 0, 'the sample has a chat with a due-soon instant');
  const chat = candidates[0];
  // Start 40 s of app time before it, at 4× speed: the crossing comes ~10 s after start.
  const start = new Date(Date.parse(chat.due_soon_at) - 40_000).toISOString();

  const monitorLog = join(dir, 'monitor.log');
  const busFile = join(dir, 'bus');
  const script = `echo "$DBUS_SESSION_BUS_ADDRESS" > '${busFile}'
    dbus-monitor --session "interface='org.freedesktop.Notifications',member='Notify'" > '${monitorLog}' 2>&1 &
    sleep 0.5
    exec '${APP}' --db '${db}' --now '${start}' --speed 4`;
  const session = await startInSession(script);
  try {
    const log = await waitFor(
      'the due-soon notification',
      () => {
        const text = readFileSync(monitorLog, 'utf8');
        return text.includes(`Due soon: ${chat.buyer}`) ? text : null;
      },
      60_000,
      500,
    );
    writeFileSync(join(artifacts, 'notify-monitor.log'), log);
    assert.ok(log.includes(`chat ${chat.conversation}`), 'the body names the chat');
    // One per chat per state: a second look finds no repeat for this chat.
    await new Promise((r) => setTimeout(r, 2000));
    const again = readFileSync(monitorLog, 'utf8').split(`Due soon: ${chat.buyer}"`).length - 1;
    assert.equal(again, 1);
    // A click on it (dunst's default action) opens that chat in the app.
    const bus = readFileSync(busFile, 'utf8').trim();
    execFileSync('dunstctl', ['action'], { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus } });
    await waitFor('the click to open the chat', () => session.output().includes('notification clicked: opening its chat'), 10_000, 200);
  } catch (e) {
    throw new Error(`${e.message}\napp stderr:\n${session.output()}`);
  } finally {
    await session.stop();
  }
});
