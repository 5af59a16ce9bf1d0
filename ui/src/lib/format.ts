// Pure display logic: countdowns, urgency colours, figure values and their hover text.
import type { FigureView, Row } from './bindings';

export type Urgency = 'overdue' | 'due_soon' | 'open' | 'none';

/** §1 at `now`: overdue once past the deadline, due soon once past the due-soon instant. */
export function urgency(row: Pick<Row, 'deadline' | 'due_soon_at' | 'closed'>, now: number): Urgency {
  if (row.closed || row.deadline == null) return 'none';
  if (now > row.deadline) return 'overdue';
  if (row.due_soon_at != null && now > row.due_soon_at) return 'due_soon';
  return 'open';
}

/** A span in ms as `2d 3h`, `4h 05m`, `12m 30s` or `45s`. */
export function span(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(sec)}s`;
  return `${sec}s`;
}

/** The countdown to a deadline: time left, or how long overdue. */
export function countdown(deadline: number | null, now: number): string {
  if (deadline == null) return '';
  const left = deadline - now;
  return left >= 0 ? span(left) : `${span(left)} late`;
}

/** The app's clock between updates: it runs `speed` times faster than the wall clock. */
export function appNow(base: number, baseWall: number, wallNow: number, speed: number): number {
  return base + (wallNow - baseWall) * speed;
}

export const FIGURE_LABELS: Record<string, string> = {
  response_rate_12h: '12h rate',
  response_rate_24h: '24h rate',
  weekly_response_rate_24h: 'Weekly 24h',
  satisfaction_rate: 'Satisfaction',
  avg_response_time: 'Avg response',
  first_response_time: 'First response',
  chat_response_rate: 'Chat response rate',
  response_rate_10min: '10-min rate',
  chat_response_time: 'Response time',
  sessions_today: 'Sessions today',
};

export function figureLabel(id: string, platform: string): string {
  if (id === 'chat_response_rate' && platform === 'lazada') return 'Same-day rate';
  return FIGURE_LABELS[id] ?? id;
}

/** The figure's value as the header shows it. */
export function figureValue(f: Pick<FigureView, 'value' | 'unit' | 'numerator'>): string {
  if (f.unit === 'count') return String(f.numerator);
  if (f.value == null) return '–';
  if (f.unit === 'rate') return `${(Math.floor(f.value * 1000) / 10).toFixed(1)}%`;
  return span(f.value * 1000);
}

/** What hovering a figure shows: numerator, denominator, pending, exclusions by reason. */
export function figureDetail(f: FigureView): string {
  const lines = [`${f.numerator} / ${f.denominator}`, `${f.pending} pending`];
  if (f.unit === 'seconds') lines[0] = `${f.denominator} answered, ${span(f.numerator * 1000)} in all`;
  if (f.target != null) {
    lines.push(`target ${f.unit === 'rate' ? `${Math.round(f.target * 100)}%` : span(f.target * 1000)}`);
  }
  if (f.excluded.length > 0) {
    lines.push('excluded: ' + f.excluded.map((e) => `${e.reason.replaceAll('_', ' ')} ${e.count}`).join(', '));
  } else {
    lines.push('excluded: none');
  }
  if (f.penalty_risk) lines.push('penalty risk');
  if (f.automation_counts_as_reply != null) {
    lines.push(`automated replies ${f.automation_counts_as_reply ? 'count' : 'do not count'} as replies`);
  }
  return lines.join(' · ');
}

export const PLATFORMS: Record<string, { label: string; short: string }> = {
  tiktok: { label: 'TikTok Shop', short: 'TT' },
  shopee: { label: 'Shopee', short: 'SP' },
  lazada: { label: 'Lazada', short: 'LZ' },
};

export const CATEGORIES: Record<string, string> = {
  pre_purchase: 'Pre-purchase',
  logistics: 'Logistics',
  aftersales: 'Aftersales',
};

/** Up to two initials for the avatar. */
export function initials(name: string): string {
  const words = name.replace(/[^\p{L}\p{N} ]/gu, ' ').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return words[0].slice(0, 2).toUpperCase();
  return (words[0][0] + words[1][0]).toUpperCase();
}

/** What the list shows of the last message. */
export function preview(row: Pick<Row, 'preview' | 'preview_kind' | 'preview_from'>): string {
  const who = row.preview_from && row.preview_from !== 'buyer' ? `${row.preview_from}: ` : '';
  if (row.preview) return who + row.preview;
  if (row.preview_kind) return `${who}[${row.preview_kind.replaceAll('_', ' ')}]`;
  return '';
}

export function clockTime(ms: number, withDate = false): string {
  const d = new Date(ms);
  const t = d.toISOString();
  return withDate ? `${t.slice(0, 10)} ${t.slice(11, 16)} UTC` : `${t.slice(11, 16)} UTC`;
}
