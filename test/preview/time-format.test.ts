import { describe, expect, it } from 'vitest';
import { formatBars, formatClock } from '../../media/preview/widgets/time-format.js';

describe('formatClock', () => {
  it('writes m:ss.mmm under an hour', () => {
    expect(formatClock(0)).toBe('0:00.000');
    expect(formatClock(1.5)).toBe('0:01.500');
    expect(formatClock(61.234)).toBe('1:01.234');
    expect(formatClock(599.999)).toBe('9:59.999');
    expect(formatClock(3599.999)).toBe('59:59.999');
  });

  it('writes h:mm:ss.mmm from an hour on', () => {
    expect(formatClock(3600)).toBe('1:00:00.000');
    expect(formatClock(3600 + 5 * 60 + 7.08)).toBe('1:05:07.080');
    expect(formatClock(36_000)).toBe('10:00:00.000');
  });

  it('rounds to the millisecond without writing 60 seconds', () => {
    expect(formatClock(59.9996)).toBe('1:00.000');
    expect(formatClock(0.0004)).toBe('0:00.000');
    expect(formatClock(3599.9999)).toBe('1:00:00.000');
  });

  it('signs negative times and reads NaN and infinities as zero', () => {
    expect(formatClock(-1.25)).toBe('-0:01.250');
    expect(formatClock(Number.NaN)).toBe('0:00.000');
    expect(formatClock(Number.POSITIVE_INFINITY)).toBe('0:00.000');
  });
});

describe('formatBars', () => {
  // 4/4 at 120 bpm: a bar is 2 s, a beat 0.5 s.
  it('counts bars and beats from 1', () => {
    expect(formatBars(0, 2, 4)).toBe('1.1');
    expect(formatBars(0.49, 2, 4)).toBe('1.1');
    expect(formatBars(0.5, 2, 4)).toBe('1.2');
    expect(formatBars(1.99, 2, 4)).toBe('1.4');
    expect(formatBars(2, 2, 4)).toBe('2.1');
    expect(formatBars(23.5, 2, 4)).toBe('12.4');
  });

  it('puts times a float error under a boundary on that boundary', () => {
    const bar = (4 * 60) / 124; // 124 bpm, 4/4
    expect(formatBars(11 * bar, bar, 4)).toBe('12.1');
    expect(formatBars(11 * bar + 2 * (bar / 4), bar, 4)).toBe('12.3');
    expect(formatBars(0.1 * 3, 0.1, 1)).toBe('4.1');
  });

  it('handles other metres', () => {
    expect(formatBars(1.5 * 3 + 1, 1.5, 3)).toBe('4.3'); // 3/4 at 120 bpm
    expect(formatBars(2.25, 1.5 * 7 / 6, 7)).toBe('2.3'); // 7/8 at 120 bpm (eighths)
  });

  it('reads times before the start and a bad bar length as 1.1', () => {
    expect(formatBars(-3, 2, 4)).toBe('1.1');
    expect(formatBars(5, 0, 4)).toBe('1.1');
    expect(formatBars(Number.NaN, 2, 4)).toBe('1.1');
  });
});
