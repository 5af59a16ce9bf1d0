// The tray: the app under its own D-Bus session where a minimal StatusNotifier host
// (sni-host.py, standing in for a desktop panel) takes its tray item. The label beside the
// icon carries the overdue and due-soon counts the engine gives for the same instant; the
// menu lists the most urgent chats, pause, open and quit; a click on a chat opens it and a
// click on Pause notifications checks it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP, CLI, artifacts, root, startInSession, tmp, waitFor } from './harness.mjs';

const HOST = join(root, 'ui/e2e/desktop/sni-host.py');

test('the tray shows the counts and the most urgent chats; its menu opens a chat and pauses notifications', async () => {
  const dir = tmp('kedai-tray-');
  const db = join(dir, 'tray.db');
  execFileSync(CLI, ['import', join(root, 'samples/sample-events.jsonl'), '--db', db]);
  const at = '2026-07-20T04:00:00.000Z';
  const inbox = JSON.parse(execFileSync(CLI, ['inbox', '--db', db, '--at', at, '--json'], { encoding: 'utf8' }));
  const overdue = inbox.conversations.filter((c) => c.overdue && !c.closed).length;
  const dueSoon = inbox.conversations.filter((c) => c.due_soon && !c.closed).length;
  assert.ok(overdue > 0, 'the sample has overdue chats at that instant');

  const snapshot = join(dir, 'tray.json');
  const commands = join(dir, 'tray.cmd');
  const session = await startInSession(`/usr/bin/python3 '${HOST}' '${snapshot}' '${commands}' &
    sleep 1
    exec '${APP}' --db '${db}' --now '${at}' --speed 0`);
  const read = () => (existsSync(snapshot) ? JSON.parse(readFileSync(snapshot, 'utf8')) : { items: [] });
  try {
    const want = `${overdue} overdue · ${dueSoon} due soon`;
    const item = await waitFor(`the tray item labelled "${want}"`, () => {
      const i = read().items[0];
      return i && i.label === want && i.menu.length > 0 ? i : null;
    }, 60_000, 500);
    writeFileSync(join(artifacts, 'tray.json'), JSON.stringify(item, null, 2));
    const labels = item.menu.map((m) => m.label);
    assert.equal(labels[0], 'Open Kedai');
    assert.ok(labels.includes('Pause notifications') && labels.includes('Quit Kedai'), labels.join(' | '));
    const chats = item.menu.filter((m) => / \((overdue|due soon)\)$/.test(m.label));
    assert.equal(chats.length, Math.min(5, overdue + dueSoon), labels.join(' | '));
    assert.ok(chats[0].label.endsWith('(overdue)'), 'overdue chats first');

    // A click on the first chat opens it in the app.
    writeFileSync(commands, `click ${chats[0].id}\n`);
    await waitFor('the chat to open', () => session.output().includes('tray: opening a chat'), 15_000, 200);

    // Pause notifications: the menu comes back with it checked.
    const pause = item.menu.find((m) => m.label === 'Pause notifications');
    assert.equal(pause.toggle, 0);
    writeFileSync(commands, `click ${pause.id}\n`);
    await waitFor('pause checked', () => read().items[0]?.menu.find((m) => m.label === 'Pause notifications')?.toggle === 1, 15_000, 250);
  } catch (e) {
    throw new Error(`${e.message}\nlast snapshot: ${JSON.stringify(read())}\napp stderr:\n${session.output().slice(-4000)}`);
  } finally {
    await session.stop();
  }
});
