import { describe, expect, it } from 'vitest';
import { StreamCache } from '../../services/ingest/streamCache.ts';

describe('the ingest stream cache', () => {
  it('keeps streams used again while many streams used once pass through', () => {
    const cache = new StreamCache<string>(100);
    for (let i = 0; i < 100; i++) cache.put(`firm-${i}`, `state ${i}`, true);
    // 10,000 one-shot streams (contracts, patents…) arrive in between.
    for (let i = 0; i < 10_000; i++) cache.put(`contract-${i}`, 'once', false);
    for (let i = 0; i < 100; i++) expect(cache.take(`firm-${i}`)).toBe(`state ${i}`);
    // Probation holds an eighth of the capacity (plus the eviction slack), the newest ones.
    expect(cache.size).toBeLessThanOrEqual(12 + 16);
    expect(cache.take('contract-9999')).toBe('once');
    expect(cache.take('contract-0')).toBeUndefined();
  });

  it('evicts the least recently used stream used again once past its capacity and slack', () => {
    const cache = new StreamCache<number>(100);
    for (let i = 0; i < 117; i++) cache.put(`s-${i}`, i, true);
    expect(cache.size).toBe(100);
    expect(cache.take('s-16')).toBeUndefined();
    expect(cache.take('s-17')).toBe(17);
    // take removes: a second take finds nothing until the caller puts it back.
    expect(cache.take('s-17')).toBeUndefined();
    cache.put('s-17', 17, true);
    cache.delete('s-17');
    expect(cache.take('s-17')).toBeUndefined();
  });
});
