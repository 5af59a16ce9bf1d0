// Keyboard: up/down (or k/j) move, Enter opens, `/` searches, 1–7 pick a status filter,
// s stars, p toggles high priority, Escape leaves the search or the chat.

export const FILTERS = ['all', 'overdue', 'due_soon', 'unreplied', 'unread', 'starred', 'closed'] as const;
export type FilterName = (typeof FILTERS)[number];

export type Action =
  | { kind: 'move'; by: number }
  | { kind: 'open' }
  | { kind: 'search' }
  | { kind: 'filter'; filter: FilterName }
  | { kind: 'star' }
  | { kind: 'priority' }
  | { kind: 'escape' }
  | { kind: 'none' };

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Whether focus is in a text field (then only Escape, Enter and the arrows act). */
  inText?: boolean;
}

export function keyAction(e: KeyLike): Action {
  if (e.ctrlKey || e.metaKey || e.altKey) return { kind: 'none' };
  switch (e.key) {
    case 'ArrowDown':
      return { kind: 'move', by: 1 };
    case 'ArrowUp':
      return { kind: 'move', by: -1 };
    case 'PageDown':
      return { kind: 'move', by: 10 };
    case 'PageUp':
      return { kind: 'move', by: -10 };
    case 'Enter':
      return { kind: 'open' };
    case 'Escape':
      return { kind: 'escape' };
  }
  if (e.inText) return { kind: 'none' };
  if (e.key === 'j') return { kind: 'move', by: 1 };
  if (e.key === 'k') return { kind: 'move', by: -1 };
  if (e.key === '/') return { kind: 'search' };
  if (e.key === 's') return { kind: 'star' };
  if (e.key === 'p') return { kind: 'priority' };
  const n = Number(e.key);
  if (Number.isInteger(n) && n >= 1 && n <= FILTERS.length) return { kind: 'filter', filter: FILTERS[n - 1] };
  return { kind: 'none' };
}

export const FILTER_LABELS: Record<FilterName, string> = {
  all: 'All',
  overdue: 'Overdue',
  due_soon: 'Due soon',
  unreplied: 'Unreplied',
  unread: 'Unread',
  starred: 'Starred',
  closed: 'Closed',
};
