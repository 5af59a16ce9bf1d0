import { describe, expect, it } from 'vitest';
import type { FigureView, PointView } from './bindings';
import { validLanguage } from '../components/metrics/locale';
import { chartedRates, countSeries, defaultRange, figureText, plotted, rangeError, reasonLabel, series, targetFigure, whatIf } from '../components/metrics/logic';

const fig = (id: string, value: number | null, unit = 'rate'): FigureView => ({
  id, value, numerator: 0, denominator: 0, pending: 0, excluded: [], status: 'good', unit, target: null, penalty_risk: null, automation_counts_as_reply: null,
});
const point = (at: number, figures: FigureView[], over: Partial<PointView> = {}): PointView => ({
  date: '2026-07-20', from: at - 86_400_000, at, figures, opened: 0, in_time: 0, late: 0, missed: 0, excluded: 0, pending: 0, ...over,
});

describe('the date range', () => {
  it('defaults to the last 14 local days up to now', () => {
    const now = new Date(2026, 6, 20, 12).getTime();
    expect(defaultRange(now)).toEqual({ from: '2026-07-07', to: '2026-07-20' });
  });

  it('refuses bad dates, reversed ranges and ranges over 92 days', () => {
    expect(rangeError('2026-07-01', '2026-07-31')).toBeNull();
    expect(rangeError('2026-02-30', '2026-03-01')).toMatch(/not a date/);
    expect(rangeError('2026-07-10', '2026-07-01')).toMatch(/ends before it starts/);
    expect(rangeError('2026-01-01', '2026-04-03')).toMatch(/at most 92 days.*93/);
    expect(rangeError('2026-01-01', '2026-04-02')).toBeNull();
  });
});

describe('chart series come from the engine figures as they are', () => {
  it('plots rates in percent without rounding them up, times in minutes', () => {
    expect(plotted(fig('r', 0.8499))).toBe(84.99);
    expect(plotted(fig('t', 5400, 'seconds'))).toBe(90);
    expect(plotted(fig('r', null))).toBeNull();
    expect(plotted(undefined)).toBeNull();
  });

  it('has one column per point and one series per figure the points carry', () => {
    const pts = [
      point(1_000_000, [fig('response_rate_12h', 0.9), fig('response_rate_24h', 1)]),
      point(2_000_000, [fig('response_rate_12h', null), fig('response_rate_24h', 0.5)]),
    ];
    const s = series(pts, chartedRates('tiktok'));
    expect(s.ids).toEqual(['response_rate_12h', 'response_rate_24h']);
    expect(s.data).toEqual([[1000, 2000], [90, null], [100, 50]]);
  });

  it('counts each day by outcome', () => {
    const c = countSeries([point(86_400_000, [], { in_time: 3, late: 1, missed: 2, excluded: 4, pending: 5 })]);
    expect(c).toEqual([[86_400], [3], [1], [2], [4], [5]]);
  });

  it('words the reasons and the values', () => {
    expect(reasonLabel('missed')).toMatch(/no reply by the deadline/);
    expect(reasonLabel('holiday_mode')).toMatch(/holiday mode/);
    expect(reasonLabel('something_new')).toBe('something_new');
    expect(figureText(fig('r', 0.8499))).toBe('84.9 %');
    expect(figureText(fig('t', 5400, 'seconds'))).toBe('1 h 30 min');
    expect(figureText(fig('r', null))).toBe('no data');
  });
});

describe('the language uPlot formats numbers in', () => {
  it('is the runtime language when Intl accepts it, else en-US (WebKitGTK under LANG=C says `C`)', () => {
    expect(() => new Intl.NumberFormat('C')).toThrow(RangeError);
    expect(validLanguage('C')).toBe('en-US');
    expect(validLanguage(undefined)).toBe('en-US');
    expect(validLanguage('ms-MY')).toBe('ms-MY');
  });
});

describe('what if: open inquiries that must be answered in time to keep the target (§5)', () => {
  const f = (numerator: number, denominator: number, pending: number, target = 0.9): FigureView => ({
    ...fig('response_rate_12h', denominator ? numerator / denominator : null), numerator, denominator, pending, target,
  });

  it('counts the fewest answers that keep the rate at the target, in whole basis points', () => {
    // 18 of 20 decided, 5 open: 0.9 x 25 = 22.5, so 5 more (23 / 25 = 92 %); 4 gives 88 %.
    expect(whatIf(f(18, 20, 5), 'tiktok')).toEqual({ kind: 'need', need: 5, pending: 5, target: 0.9 });
    // 9 of 10, 10 open: 18 of 20 needed, 9 more.
    expect(whatIf(f(9, 10, 10), 'lazada')).toEqual({ kind: 'need', need: 9, pending: 10, target: 0.9 });
    // Exactly at the bar counts as kept: 17 of 20 at 85 %.
    expect(whatIf(f(17, 19, 1, 0.85), 'tiktok')).toEqual({ kind: 'need', need: 0, pending: 1, target: 0.85 });
  });

  it('says when the target cannot be kept, and has nothing to say without open items or a target', () => {
    expect(whatIf(f(10, 20, 2), 'tiktok')).toEqual({ kind: 'unreachable', best: 12 / 22, pending: 2, target: 0.9 });
    expect(whatIf(f(10, 20, 0), 'tiktok')).toEqual({ kind: 'none' });
    expect(whatIf({ ...f(10, 20, 3), target: null }, 'tiktok')).toEqual({ kind: 'none' });
    expect(whatIf(f(10, 20, 3), 'shopee')).toEqual({ kind: 'none' });
  });

  it('judges each platform on its own target figure', () => {
    expect(targetFigure('tiktok', 'US')).toBe('response_rate_24h');
    expect(targetFigure('tiktok', 'MY')).toBe('response_rate_12h');
    expect(targetFigure('lazada', 'MY')).toBe('chat_response_rate');
  });
});
