import { describe, expect, it } from 'vitest';
import { ListCache } from './list-cache.ts';

describe('the list cache', () => {
  it('answers a page only under the tag it was read under, and forgets it under another', () => {
    const cache = new ListCache<string>(10, 1000);
    cache.set('database 1 0 100', 'tag-a', 'page', 4);
    expect(cache.get('database 1 0 100', 'tag-a')).toBe('page');
    expect(cache.get('database 1 0 100', 'tag-b')).toBeUndefined();
    expect(cache.get('database 1 0 100', 'tag-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most its number of pages and bytes, the least recently used going first', () => {
    const cache = new ListCache<string>(3, 100);
    for (const key of ['a', 'b', 'c']) cache.set(key, 't', key, 10);
    expect(cache.get('a', 't')).toBe('a');
    cache.set('d', 't', 'd', 10);
    expect(['a', 'b', 'c', 'd'].filter((key) => cache.get(key, 't') !== undefined)).toEqual(['a', 'c', 'd']);
    cache.set('big', 't', 'big', 80);
    expect(['a', 'c', 'd', 'big'].filter((key) => cache.get(key, 't') !== undefined)).toEqual(['c', 'd', 'big']);
    cache.set('huge', 't', 'huge', 101);
    expect(cache.get('huge', 't')).toBeUndefined();
    cache.set('big', 't', 'smaller', 5);
    expect(cache.get('big', 't')).toBe('smaller');
  });
});
