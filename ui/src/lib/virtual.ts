// The list is virtualized: only the rows in view (plus some overscan) exist in the DOM, and
// rows come from the app in pages fetched on demand.

export interface Range {
  start: number;
  end: number; // exclusive
}

export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  total: number,
  overscan = 6,
): Range {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + count + overscan);
  return { start: Math.min(start, end), end };
}

/** The pages of `size` rows that hold a range. */
export function pagesFor(range: Range, size: number): number[] {
  if (range.end <= range.start) return [];
  const out: number[] = [];
  for (let p = Math.floor(range.start / size); p <= Math.floor((range.end - 1) / size); p++) out.push(p);
  return out;
}

/** The scroll position that brings row `index` into view, or null when it already is. */
export function scrollToShow(index: number, scrollTop: number, viewport: number, rowHeight: number): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return null;
}
