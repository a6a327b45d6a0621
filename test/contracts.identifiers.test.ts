import { describe, expect, it } from 'vitest';
import { patentCheckCharacter, patentCheckOk, usccCheckCharacter, usccCheckOk, Uscc } from '../contracts/identifiers.ts';

describe('USCC (GB 32100)', () => {
  it('accepts the known-good examples', () => {
    expect(usccCheckOk('914403001922038216')).toBe(true);
    expect(usccCheckOk('91430111MA4L41YT1U')).toBe(true);
  });
  it('computes the check character from positions 1–17', () => {
    expect(usccCheckCharacter('91430111MA4L41YT1')).toBe('U');
  });
  it('flags a wrong check character but keeps the format valid', () => {
    expect(Uscc.safeParse('914403001922038217').success).toBe(true);
    expect(usccCheckOk('914403001922038217')).toBe(false);
  });
  it('rejects a bad format (forbidden letter O)', () => {
    expect(Uscc.safeParse('91430111MA4L41YO1U').success).toBe(false);
    expect(Uscc.safeParse('9143').success).toBe(false);
  });
});

describe('patent application number', () => {
  it('checks Σ dᵢ·wᵢ mod 11', () => {
    // 2 0 2 3 1 0 1 2 3 4 5 6 · 2 3 4 5 6 7 8 9 2 3 4 5 = 4+0+8+15+6+0+8+18+6+12+20+30 = 127; 127 mod 11 = 6
    expect(patentCheckCharacter('202310123456')).toBe('6');
    expect(patentCheckOk('202310123456.6')).toBe(true);
    expect(patentCheckOk('202310123456.7')).toBe(false);
  });
});
