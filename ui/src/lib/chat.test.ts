import { describe, expect, it } from 'vitest';
import {
  byStatus,
  charCount,
  chatLines,
  insertAt,
  lengthState,
  mergeNewest,
  prependPage,
  safeMediaUrl,
  segments,
  senderLabel,
  shopTimeTitle,
  statuses,
  timeIn,
} from '../components/chat/chat';
import type { ChatMessageView, FindingView, OutboxView } from './bindings';

const finding = (start: number, end: number, level = 'warn', rule = 'phone_number'): FindingView => ({
  rule, level, start, end, excerpt: '', explain: `${rule} explained`,
});

const msg = (id: string, at: number, over: Partial<ChatMessageView> = {}): ChatMessageView => ({
  id, at, from: 'buyer', kind: 'text', text: id, agent: null, image_url: null, video_url: null, sticker_id: null,
  product_id: null, order_id: null, return_id: null, coupon_id: null, card: [], ...over,
});

const out = (id: number, state: string, over: Partial<OutboxView> = {}): OutboxView => ({
  id, text: `reply ${id}`, agent: 'me', state, attempts: 0, error: null, retryable: true, queued_at: 1000 + id,
  sent_at: null, message_id: null, ...over,
});

describe('guard findings on their spans', () => {
  it('cuts the draft at each finding and keeps the text whole', () => {
    const text = 'call me at 0123456789 ok';
    const segs = segments(text, [finding(11, 21)]);
    expect(segs.map((s) => s.text)).toEqual(['call me at ', '0123456789', ' ok']);
    expect(segs.map((s) => s.level)).toEqual([null, 'warn', null]);
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segs[1].rules).toEqual(['phone_number']);
  });

  it('gives an overlap the strictest level and both rules', () => {
    const segs = segments('abcdefghij', [finding(0, 6, 'warn', 'a'), finding(4, 10, 'block', 'b')]);
    expect(segs.map((s) => [s.text, s.level, s.rules.join('+')])).toEqual([
      ['abcd', 'warn', 'a'],
      ['ef', 'block', 'a+b'],
      ['ghij', 'block', 'b'],
    ]);
  });

  it('clamps spans past the end (a stale finding after an edit) and drops empty ones', () => {
    const segs = segments('short', [finding(3, 99), finding(2, 2)]);
    expect(segs.map((s) => s.text)).toEqual(['sho', 'rt']);
  });

  it('has one plain segment without findings', () => {
    expect(segments('hello', [])).toEqual([{ text: 'hello', start: 0, end: 5, level: null, rules: [], explain: [] }]);
  });
});

describe('the length counter', () => {
  it('counts code points, so an emoji is one character', () => {
    expect(charCount('hi 😀')).toBe(4);
    expect('hi 😀'.length).toBe(5);
  });

  it('shows count / limit, near past 90% and over past the limit (TikTok: 2000)', () => {
    expect(lengthState('a'.repeat(1800), 2000)).toMatchObject({ label: '1800 / 2000', near: false, over: false });
    expect(lengthState('a'.repeat(1801), 2000)).toMatchObject({ near: true, over: false });
    expect(lengthState('a'.repeat(2000), 2000).over).toBe(false);
    expect(lengthState('a'.repeat(2001), 2000).over).toBe(true);
  });

  it('shows only the count where the platform documents no limit', () => {
    expect(lengthState('abc', null)).toEqual({ count: 3, max: null, over: false, near: false, label: '3' });
  });
});

describe('inserting a quick reply or a suggestion', () => {
  it('replaces the selection and puts the caret after it', () => {
    expect(insertAt('Hello  there', 6, 6, 'Ana,')).toEqual({ text: 'Hello Ana, there', caret: 10 });
    expect(insertAt('Hello XXX', 6, 9, 'Ana')).toEqual({ text: 'Hello Ana', caret: 9 });
  });

  it('adds a space after a word, none into an empty draft', () => {
    expect(insertAt('Hi', 2, 2, 'there')).toEqual({ text: 'Hi there', caret: 8 });
    expect(insertAt('', 0, 0, 'Thanks!')).toEqual({ text: 'Thanks!', caret: 7 });
  });
});

describe('media URLs from a message record', () => {
  it('loads only https addresses', () => {
    expect(safeMediaUrl('https://p16.example/i.jpg')).toBe('https://p16.example/i.jpg');
    expect(safeMediaUrl('javascript:alert(1)')).toBeNull();
    expect(safeMediaUrl('http://tracker.example/p.gif')).toBeNull();
    expect(safeMediaUrl('data:image/svg+xml,<svg onload=alert(1)>')).toBeNull();
    expect(safeMediaUrl('not a url')).toBeNull();
    expect(safeMediaUrl(null)).toBeNull();
  });
});

describe('times', () => {
  const at = Date.UTC(2026, 6, 18, 2, 5); // 10:05 in Kuala Lumpur
  it('shows the shop-local time with its zone on hover', () => {
    expect(timeIn(at, 'Asia/Kuala_Lumpur')).toBe('10:05');
    expect(timeIn(at, 'UTC')).toBe('02:05');
    expect(shopTimeTitle(at, 'Asia/Kuala_Lumpur')).toBe('Shop time: 18/07/2026, 10:05 (Asia/Kuala_Lumpur)');
    expect(shopTimeTitle(at, null)).toBe('');
  });
});

describe('the outbox in the chat', () => {
  it('marks a sent reply on its message and lists queued, sending and failed ones after', () => {
    const messages = [msg('m1', 1000), msg('p1', 1500, { from: 'agent', agent: 'me' })];
    const outbox = [out(1, 'sent', { message_id: 'p1', queued_at: 1400 }), out(3, 'failed', { error: 'HTTP 500' }), out(2, 'queued')];
    const lines = chatLines(messages, outbox, 'me');
    expect(lines.map((l) => [l.message.id, l.state])).toEqual([
      ['m1', null],
      ['p1', 'sent'],
      ['outbox-2', 'queued'],
      ['outbox-3', 'failed'],
    ]);
    expect(lines[3].outbox?.error).toBe('HTTP 500');
    expect(lines[2].message.from).toBe('agent');
  });

  it('does not repeat a sent reply that is older than the loaded history', () => {
    const lines = chatLines([msg('m9', 5000)], [out(1, 'sent', { message_id: 'old', queued_at: 10 })], 'me');
    expect(lines.map((l) => l.message.id)).toEqual(['m9']);
  });
});

describe('paging history', () => {
  it('puts an older page in front without repeats', () => {
    const loaded = [msg('c', 3), msg('d', 4)];
    expect(prependPage(loaded, [msg('a', 1), msg('b', 2), msg('c', 3)]).map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refreshes the newest page and keeps the older pages', () => {
    const loaded = [msg('a', 1), msg('b', 2), msg('c', 3)];
    expect(mergeNewest(loaded, [msg('b', 2), msg('c', 3), msg('d', 4)]).map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(mergeNewest(loaded, [])).toBe(loaded);
  });
});

describe('senders and orders', () => {
  it('names each sender', () => {
    expect(senderLabel({ from: 'buyer', agent: null }, 'Siti')).toBe('Siti');
    expect(senderLabel({ from: 'agent', agent: 'ana' }, 'Siti')).toBe('Agent ana');
    expect(senderLabel({ from: 'auto', agent: null }, 'Siti')).toBe('Auto-reply');
    expect(senderLabel({ from: 'bot', agent: null }, 'Siti')).toBe('Chatbot');
    expect(senderLabel({ from: 'system', agent: null }, 'Siti')).toBe('System');
  });

  it('filters orders by status', () => {
    const orders = [{ status: 'shipped' }, { status: null }, { status: 'delivered' }, { status: 'shipped' }];
    expect(statuses(orders)).toEqual(['delivered', 'shipped', 'unknown']);
    expect(byStatus(orders, 'shipped')).toHaveLength(2);
    expect(byStatus(orders, 'unknown')).toHaveLength(1);
    expect(byStatus(orders, '')).toHaveLength(4);
  });
});
