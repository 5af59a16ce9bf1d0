import { describe, expect, it } from 'vitest';
import { pagesFor, scrollToShow, visibleRange } from './virtual';

describe('virtualized list', () => {
  it('renders only the rows in view plus overscan, even for 100,000 rows', () => {
    const r = visibleRange(68 * 50_000, 680, 68, 100_000, 6);
    expect(r).toEqual({ start: 49_994, end: 50_017 });
    expect(r.end - r.start).toBeLessThan(30);
  });
  it('clamps at both ends', () => {
    expect(visibleRange(0, 680, 68, 5)).toEqual({ start: 0, end: 5 });
    expect(visibleRange(-50, 680, 68, 0)).toEqual({ start: 0, end: 0 });
  });
  it('asks for the pages that hold the range', () => {
    expect(pagesFor({ start: 95, end: 210 }, 100)).toEqual([0, 1, 2]);
    expect(pagesFor({ start: 0, end: 0 }, 100)).toEqual([]);
  });
  it('scrolls just enough to show the selected row', () => {
    expect(scrollToShow(0, 0, 680, 68)).toBeNull();
    expect(scrollToShow(10, 0, 680, 68)).toBe(68);
    expect(scrollToShow(2, 500, 680, 68)).toBe(136);
  });
});
