import { describe, expect, it } from 'vitest';
import { appNow, countdown, figureDetail, figureValue, initials, preview, span, urgency } from './format';
import type { FigureView } from './bindings';

const H = 3600_000;

describe('urgency (§1)', () => {
  const row = { deadline: 12 * H, due_soon_at: 10 * H, closed: false };
  it('is open before the due-soon instant', () => expect(urgency(row, 9 * H)).toBe('open'));
  it('is due soon (amber) once past the due-soon instant', () => expect(urgency(row, 10 * H + 1)).toBe('due_soon'));
  it('is still due soon at the deadline itself', () => expect(urgency(row, 12 * H)).toBe('due_soon'));
  it('is overdue (red) once past the deadline', () => expect(urgency(row, 12 * H + 1)).toBe('overdue'));
  it('has none without an open inquiry or when closed', () => {
    expect(urgency({ deadline: null, due_soon_at: null, closed: false }, 0)).toBe('none');
    expect(urgency({ ...row, closed: true }, 13 * H)).toBe('none');
  });
});

describe('countdown', () => {
  it('shows time left and time late', () => {
    expect(countdown(2 * H + 5 * 60_000, 0)).toBe('2h 05m');
    expect(countdown(0, 35 * 60_000)).toBe('35m 00s late');
    expect(countdown(null, 0)).toBe('');
  });
  it('spans days, minutes and seconds', () => {
    expect(span(26 * H)).toBe('1d 2h');
    expect(span(61_000)).toBe('1m 01s');
    expect(span(9_000)).toBe('9s');
  });
});

describe('the app clock between updates', () => {
  it('runs at the demo speed', () => expect(appNow(1000, 0, 2000, 60)).toBe(1000 + 120_000));
});

const fig = (over: Partial<FigureView>): FigureView => ({
  id: 'chat_response_rate',
  value: 0.9,
  numerator: 9,
  denominator: 10,
  pending: 2,
  excluded: [],
  status: 'good',
  unit: 'rate',
  target: 0.9,
  penalty_risk: null,
  automation_counts_as_reply: null,
  ...over,
});

describe('header figures (§5)', () => {
  it('shows rates to a tenth of a percent, never rounding up past the target', () => {
    expect(figureValue(fig({ value: 0.8999 }))).toBe('89.9%');
    expect(figureValue(fig({ value: 1 }))).toBe('100.0%');
    expect(figureValue(fig({ value: null }))).toBe('–');
  });
  it('shows times and counts', () => {
    expect(figureValue(fig({ unit: 'seconds', value: 3900 }))).toBe('1h 05m');
    expect(figureValue(fig({ unit: 'count', value: null, numerator: 7 }))).toBe('7');
  });
  it('hover names numerator, denominator, pending and exclusions by reason', () => {
    const d = figureDetail(fig({ excluded: [{ reason: 'holiday_mode', count: 3 }], penalty_risk: true }));
    expect(d).toContain('9 / 10');
    expect(d).toContain('2 pending');
    expect(d).toContain('holiday mode 3');
    expect(d).toContain('penalty risk');
  });
});

describe('list text', () => {
  it('initials ignore markup characters', () => {
    expect(initials('<img src=x onerror=alert(1)>')).toBe('IS');
    expect(initials('Siti Aminah')).toBe('SA');
    expect(initials('')).toBe('?');
  });
  it('preview names non-buyer senders and kinds without text', () => {
    expect(preview({ preview: 'hi', preview_kind: 'text', preview_from: 'buyer' })).toBe('hi');
    expect(preview({ preview: 'ok', preview_kind: 'text', preview_from: 'agent' })).toBe('agent: ok');
    expect(preview({ preview: null, preview_kind: 'product_card', preview_from: 'buyer' })).toBe('[product card]');
  });
});
