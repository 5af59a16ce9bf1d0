// Pure logic of the chat window: the guard's findings as highlighted spans, the length
// counter, inserting a quick reply, times in two zones, media URLs, and the outbox merged
// into the message list. No DOM, no IPC: unit-tested in src/lib/chat.test.ts.
import type { ChatMessageView, FindingView, OutboxView } from '../../lib/bindings';

/** A stretch of the draft, with the findings that cover it (none: plain text). */
export interface Segment {
  text: string;
  start: number;
  end: number;
  level: 'block' | 'warn' | null;
  rules: string[];
  explain: string[];
}

/**
 * Splits `text` at every finding's boundary (UTF-16 offsets, as the browser counts) so each
 * finding is shown on its own span; overlapping findings share a segment, which takes the
 * strictest level.
 */
export function segments(text: string, findings: FindingView[]): Segment[] {
  const len = text.length;
  const valid = findings
    .map((f) => ({ ...f, start: Math.max(0, Math.min(len, f.start)), end: Math.max(0, Math.min(len, f.end)) }))
    .filter((f) => f.end > f.start);
  const cuts = new Set<number>([0, len]);
  for (const f of valid) {
    cuts.add(f.start);
    cuts.add(f.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [start, end] = [points[i], points[i + 1]];
    const over = valid.filter((f) => f.start <= start && f.end >= end);
    const level = over.some((f) => f.level === 'block') ? 'block' : over.length > 0 ? 'warn' : null;
    const prev = out[out.length - 1];
    const rules = [...new Set(over.map((f) => f.rule))];
    if (prev && prev.level === null && level === null) {
      prev.text += text.slice(start, end);
      prev.end = end;
      continue;
    }
    out.push({ text: text.slice(start, end), start, end, level, rules, explain: [...new Set(over.map((f) => f.explain))] });
  }
  return out;
}

/** Characters as the platforms count them: code points, so an emoji is one. */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export interface LengthState {
  count: number;
  max: number | null;
  over: boolean;
  /** Within 10% of the limit. */
  near: boolean;
  label: string;
}

export function lengthState(text: string, max: number | null): LengthState {
  const count = charCount(text);
  if (max == null) return { count, max, over: false, near: false, label: `${count}` };
  return { count, max, over: count > max, near: count > max * 0.9, label: `${count} / ${max}` };
}

/** Puts `insert` in place of the selection `[from, to)` of `draft`; the caret goes after it. */
export function insertAt(draft: string, from: number, to: number, insert: string): { text: string; caret: number } {
  const a = Math.max(0, Math.min(from, draft.length));
  const b = Math.max(a, Math.min(to, draft.length));
  const before = draft.slice(0, a);
  const sep = before.length > 0 && !/\s$/.test(before) ? ' ' : '';
  const text = before + sep + insert + draft.slice(b);
  return { text, caret: a + sep.length + insert.length };
}

/** A media URL from a message record, only when it is https (never javascript:, data:, http:). */
export function safeMediaUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** `HH:MM` (with the date when not `today`) in a zone (`undefined`: the agent's own). */
export function timeIn(at: number, zone?: string, withDate = false): string {
  const opts: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone };
  if (withDate) Object.assign(opts, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return new Intl.DateTimeFormat('en-GB', opts).format(new Date(at));
}

/** The hover text of a message time: the shop's local time with its zone. */
export function shopTimeTitle(at: number, shopTz: string | null): string {
  if (!shopTz) return '';
  return `Shop time: ${timeIn(at, shopTz, true)} (${shopTz})`;
}

/** A line of the chat: a stored message, with the outbox state of the reply it came from. */
export interface ChatLine {
  key: string;
  message: ChatMessageView;
  /** `queued` / `sending` / `failed` (not yet a message) or `sent`; null: not from the app. */
  state: string | null;
  outbox: OutboxView | null;
}

/**
 * The messages, each sent reply marked `sent`, then the replies still in the outbox (queued,
 * sending, failed) in the order written, shown as the agent's messages.
 */
export function chatLines(messages: ChatMessageView[], outbox: OutboxView[], me: string): ChatLine[] {
  const sent = new Map<string, OutboxView>();
  for (const o of outbox) if (o.state === 'sent' && o.message_id) sent.set(o.message_id, o);
  const lines: ChatLine[] = messages.map((m) => {
    const o = sent.get(m.id) ?? null;
    return { key: `m:${m.id}`, message: m, state: o ? 'sent' : null, outbox: o };
  });
  const shown = new Set(messages.map((m) => m.id));
  const pending = outbox
    .filter((o) => o.state !== 'sent' || !o.message_id || !shown.has(o.message_id))
    // a sent reply older than the loaded page is in history already
    .filter((o) => o.state !== 'sent' || messages.length === 0 || o.queued_at >= messages[0].at)
    .sort((a, b) => a.id - b.id);
  for (const o of pending) {
    lines.push({
      key: `o:${o.id}`,
      state: o.state,
      outbox: o,
      message: {
        id: `outbox-${o.id}`, at: o.sent_at ?? o.queued_at, from: 'agent', kind: o.image ? 'image' : 'text', text: o.image ? null : o.text, agent: o.agent ?? me,
        image_url: o.image_url, video_url: null, sticker_id: null, product_id: null, order_id: null, return_id: null, coupon_id: null, card: [],
      },
    });
  }
  return lines;
}

/** Adds an older page in front of what is loaded, without repeats. */
export function prependPage(loaded: ChatMessageView[], older: ChatMessageView[]): ChatMessageView[] {
  const have = new Set(loaded.map((m) => m.id));
  return [...older.filter((m) => !have.has(m.id)), ...loaded];
}

/** Replaces the newest part of what is loaded with a fresh newest page, keeping older pages. */
export function mergeNewest(loaded: ChatMessageView[], newest: ChatMessageView[]): ChatMessageView[] {
  if (newest.length === 0) return loaded;
  const first = newest[0];
  const older = loaded.filter((m) => m.at < first.at || (m.at === first.at && m.id < first.id));
  return [...older, ...newest];
}

export const SENDERS: Record<string, string> = {
  buyer: 'Buyer',
  agent: 'Agent',
  auto: 'Auto-reply',
  bot: 'Chatbot',
  system: 'System',
  broadcast: 'Broadcast',
};

/** Who sent a message, as the chat shows it. */
export function senderLabel(m: Pick<ChatMessageView, 'from' | 'agent'>, buyerName: string): string {
  if (m.from === 'buyer') return buyerName;
  if (m.from === 'agent' && m.agent) return `Agent ${m.agent}`;
  return SENDERS[m.from] ?? m.from;
}

/** Filters orders by status (`''`: every status). */
export function byStatus<T extends { status: string | null }>(orders: T[], status: string): T[] {
  return status === '' ? orders : orders.filter((o) => (o.status ?? 'unknown') === status);
}

export function statuses<T extends { status: string | null }>(orders: T[]): string[] {
  return [...new Set(orders.map((o) => o.status ?? 'unknown'))].sort();
}
