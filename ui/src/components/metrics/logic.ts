// Pure logic of the Metrics page: the date range, the chart series drawn from the engine's
// figures (never recomputed here) and the reasons' wording.
import type { FigureView, PointView } from '../../lib/bindings';

export const MAX_DAYS = 92;
const DAY = 86_400_000;

/** `YYYY-MM-DD` of an instant in the viewer's local calendar. */
export function isoDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The last `days` local days up to the app's `now`, inclusive. */
export function defaultRange(now: number, days = 14): { from: string; to: string } {
  return { from: isoDate(now - (days - 1) * DAY), to: isoDate(now) };
}

function parseDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return isoDate(t + new Date(t).getTimezoneOffset() * 60_000) === s.trim() ? t : null;
}

/** What is wrong with a range, or null (the app refuses the same ranges). */
export function rangeError(from: string, to: string): string | null {
  const a = parseDate(from);
  const b = parseDate(to);
  if (a === null) return `“${from}” is not a date (YYYY-MM-DD).`;
  if (b === null) return `“${to}” is not a date (YYYY-MM-DD).`;
  if (b < a) return 'The range ends before it starts.';
  const days = Math.round((b - a) / DAY) + 1;
  if (days > MAX_DAYS) return `A range of at most ${MAX_DAYS} days, please (this one is ${days}).`;
  return null;
}

/** The figures charted per platform: the rates, in §5's order. */
export function chartedRates(platform: string): string[] {
  if (platform === 'tiktok') return ['response_rate_12h', 'response_rate_24h', 'weekly_response_rate_24h'];
  if (platform === 'shopee') return ['chat_response_rate'];
  return ['chat_response_rate', 'response_rate_10min'];
}

/** A figure's value as the chart plots it: rates in percent, times in minutes. */
export function plotted(f: FigureView | undefined): number | null {
  if (!f || f.value === null) return null;
  if (f.unit === 'rate') return Math.round(f.value * 10_000) / 100;
  if (f.unit === 'seconds') return Math.round((f.value / 60) * 10) / 10;
  return f.value;
}

/**
 * uPlot's columnar data for some figures over the points: x in seconds (the figures'
 * instants), one series per figure that the points carry (figures a platform lacks are
 * dropped).
 */
export function series(points: PointView[], ids: string[]): { ids: string[]; data: (number | null)[][] } {
  const present = ids.filter((id) => points.some((p) => p.figures.some((f) => f.id === id)));
  const x = points.map((p) => p.at / 1000);
  const ys = present.map((id) => points.map((p) => plotted(p.figures.find((f) => f.id === id))));
  return { ids: present, data: [x, ...ys] };
}

/** The daily inquiry counts as stacked columns' data: in time, late, missed, excluded, pending. */
export function countSeries(points: PointView[]): (number | null)[][] {
  return [
    points.map((p) => p.at / 1000),
    points.map((p) => p.in_time),
    points.map((p) => p.late),
    points.map((p) => p.missed),
    points.map((p) => p.excluded),
    points.map((p) => p.pending),
  ];
}

export const REASONS: Record<string, string> = {
  missed: 'Missed: no reply by the deadline',
  late: 'Answered after the deadline',
  holiday_mode: 'Excluded: received in holiday mode',
  blocked: 'Excluded: buyer blocked',
  account_state: 'Excluded: buyer account banned, frozen or deleted',
  system: 'Excluded: platform notice',
  seller_initiated: 'Excluded: session the seller started',
  outside_hours: 'Excluded: outside operating hours',
  public_holiday: 'Excluded: official public holiday',
  no_response_needed: 'Excluded: marked No response needed',
  platform_handled: 'Excluded: handled by the platform',
  faq: 'Excluded: FAQ assistant, no request for an agent',
  automation: 'Excluded: resolved by an automated reply',
};

export function reasonLabel(reason: string): string {
  return REASONS[reason] ?? reason;
}

/** A figure's value as text: a percentage, a duration, or a count. */
export function figureText(f: FigureView | undefined): string {
  if (!f) return '–';
  if (f.value === null) return 'no data';
  if (f.unit === 'rate') return `${(Math.floor(f.value * 1000) / 10).toFixed(1)} %`;
  if (f.unit === 'seconds') {
    const m = Math.round(f.value / 60);
    return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
  }
  return String(f.value);
}

/** The figure each platform's target is judged on, for the "what if" line. */
export function targetFigure(platform: string, region: string): string {
  if (platform === 'tiktok') return region === 'US' ? 'response_rate_24h' : 'response_rate_12h';
  return 'chat_response_rate';
}

export type WhatIf =
  | { kind: 'need'; need: number; pending: number; target: number }
  | { kind: 'unreachable'; best: number; pending: number; target: number }
  | { kind: 'none' };

/**
 * §5 "what if": of the figure's pending items (open, deadline not passed), how many must be
 * answered in time for the figure to stay at or above its target once they are decided, if
 * nothing else changes: the smallest x with (numerator + x) / (denominator + pending) ≥
 * target, compared in whole basis points as the engine does. Shopee's rate weighs its most
 * recent quarter double, so it gets no simple count.
 */
export function whatIf(f: FigureView | undefined, platform: string): WhatIf {
  if (!f || f.unit !== 'rate' || f.target === null || f.pending === 0 || platform === 'shopee') return { kind: 'none' };
  const target = Math.round(f.target * 10_000);
  const total = f.denominator + f.pending;
  // Smallest x with (n + x) * 10000 >= target * total.
  const need = Math.max(0, Math.ceil((target * total) / 10_000 - f.numerator - 1e-9));
  if (need > f.pending) return { kind: 'unreachable', best: (f.numerator + f.pending) / total, pending: f.pending, target: f.target };
  return { kind: 'need', need, pending: f.pending, target: f.target };
}
