import { describe, expect, it } from 'vitest';
import { keyAction } from './keys';

describe('keyboard', () => {
  it('moves with the arrows and j/k, opens with Enter', () => {
    expect(keyAction({ key: 'ArrowDown' })).toEqual({ kind: 'move', by: 1 });
    expect(keyAction({ key: 'k' })).toEqual({ kind: 'move', by: -1 });
    expect(keyAction({ key: 'Enter' })).toEqual({ kind: 'open' });
  });
  it('/ searches and 1–7 pick the status filters in order', () => {
    expect(keyAction({ key: '/' })).toEqual({ kind: 'search' });
    expect(keyAction({ key: '2' })).toEqual({ kind: 'filter', filter: 'overdue' });
    expect(keyAction({ key: '3' })).toEqual({ kind: 'filter', filter: 'due_soon' });
    expect(keyAction({ key: '7' })).toEqual({ kind: 'filter', filter: 'closed' });
    expect(keyAction({ key: '8' })).toEqual({ kind: 'none' });
  });
  it('typing in the search box types: letters and digits are not shortcuts there', () => {
    expect(keyAction({ key: '2', inText: true })).toEqual({ kind: 'none' });
    expect(keyAction({ key: 'j', inText: true })).toEqual({ kind: 'none' });
    expect(keyAction({ key: 'Escape', inText: true })).toEqual({ kind: 'escape' });
  });
  it('leaves modified keys to the system', () => {
    expect(keyAction({ key: '/', ctrlKey: true })).toEqual({ kind: 'none' });
  });
});
