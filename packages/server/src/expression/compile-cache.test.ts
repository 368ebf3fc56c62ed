import { describe, expect, it } from 'vitest';
import { createCompileCache } from './compile-cache.ts';

describe('compile cache', () => {
  it('evicts the least recently used entry beyond the entry bound', () => {
    const evicted: string[] = [];
    const cache = createCompileCache<string>({ maxEntries: 2, maxBytes: 1000 }, (value) => evicted.push(value));
    cache.set('a', 'A', 1);
    cache.set('b', 'B', 1);
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C', 1);
    expect(evicted).toEqual(['B']);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('counts a hit on the newest entry, and on an older one, as use', () => {
    const evicted: string[] = [];
    const cache = createCompileCache<string>({ maxEntries: 2, maxBytes: 1000 }, (value) => evicted.push(value));
    cache.set('a', 'A', 1);
    cache.set('b', 'B', 1);
    expect(cache.get('b')).toBe('B');
    expect(cache.get('a')).toBe('A');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C', 1);
    expect(evicted).toEqual(['B']);
    cache.set('d', 'D', 1);
    expect(evicted).toEqual(['B', 'A']);
  });

  it('evicts until the estimated bytes fit, but keeps the entry just added', () => {
    const evicted: string[] = [];
    const cache = createCompileCache<string>({ maxEntries: 10, maxBytes: 100 }, (value) => evicted.push(value));
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    cache.set('c', 'C', 50);
    expect(evicted).toEqual(['A']);
    expect(cache.bytes).toBe(90);
    cache.set('huge', 'H', 500);
    expect(evicted).toEqual(['A', 'B', 'C']);
    expect(cache.get('huge')).toBe('H');
  });

  it('hands over the value it replaces', () => {
    const evicted: string[] = [];
    const cache = createCompileCache<string>({ maxEntries: 10, maxBytes: 100 }, (value) => evicted.push(value));
    cache.set('a', 'A1', 30);
    cache.set('a', 'A2', 20);
    expect(evicted).toEqual(['A1']);
    expect(cache.get('a')).toBe('A2');
    expect(cache.bytes).toBe(20);
  });
});
