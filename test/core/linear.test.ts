import { describe, it, expect } from 'vitest';
import {
  cumsum, reverseCumsum, diff, diffVjp, resample, upsampleWithWindows, pad, crop, centerCrop, frames,
} from '../../src/core/index.ts';
import { expectClose, f64, linspace, randomArray } from '../helpers.ts';

describe('cumsum / reverseCumsum', () => {
  it('cumsum is the inclusive running sum', () => {
    expect(Array.from(cumsum(f64(1, 2, 3, -6)))).toEqual([1, 3, 6, 0]);
    expect(Array.from(reverseCumsum(f64(1, 2, 3, -6)))).toEqual([0, -1, -3, -6]);
  });
  it('runs per channel along time on frames', () => {
    const y = cumsum(frames(f64(1, 10, 2, 20, 3, 30), 3, 2));
    expect(Array.from(y.data)).toEqual([1, 10, 3, 30, 6, 60]);
    const r = reverseCumsum(frames(f64(1, 10, 2, 20, 3, 30), 3, 2));
    expect(Array.from(r.data)).toEqual([6, 60, 5, 50, 3, 30]);
  });
  it('handles length 0 and 1', () => {
    expect(cumsum(new Float64Array(0)).length).toBe(0);
    expect(Array.from(reverseCumsum(f64(7)))).toEqual([7]);
  });
  it('of a constant frequency gives a linear phase', () => {
    const x = new Float64Array(1000).fill(0.25);
    expectClose(cumsum(x), Array.from({ length: 1000 }, (_, i) => 0.25 * (i + 1)), 1e-15);
  });
});

describe('diff', () => {
  it('is x[n+1] − x[n], one shorter', () => {
    expect(Array.from(diff(f64(1, 4, 9, 16)))).toEqual([3, 5, 7]);
    expect(diff(f64(5)).length).toBe(0);
    expect(diff(frames(f64(1, 2, 4, 8, 9, 18), 3, 2)).shape).toEqual([2, 2]);
  });
  it('its VJP is the negative backward difference with zero ends', () => {
    expect(Array.from(diffVjp(f64(1, 2, 3), f64(0, 0, 0, 0)))).toEqual([-1, -1, -1, 3]);
  });
  it('rejects an empty signal', () => {
    expect(() => diff(new Float64Array(0))).toThrow('diff: x must have at least 1 sample');
  });
});

describe('resample (TF1 legacy alignment, as DDSP)', () => {
  const x = f64(0, 1, 2, 3);
  it('linear with endpoint: frame k at sample k·hop, the last frame held', () => {
    expect(Array.from(resample(x, 8))).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3]);
  });
  it('linear without endpoint: the ends align', () => {
    expectClose(resample(x, 7, { addEndpoint: false }), [0, 0.5, 1, 1.5, 2, 2.5, 3], 1e-15);
  });
  it('nearest floors with endpoint and rounds half up without', () => {
    expect(Array.from(resample(x, 8, { method: 'nearest' }))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(Array.from(resample(x, 7, { method: 'nearest', addEndpoint: false }))).toEqual([0, 1, 1, 2, 2, 3, 3]);
  });
  it('downsamples by reading positions i·nIn/nOut', () => {
    expect(Array.from(resample(linspace(0, 7, 8), 4))).toEqual([0, 2, 4, 6]);
  });
  it('reproduces 1 − sin(linspace(0, π, n)) at the frame positions (DDSP accuracy test)', () => {
    const n = 5;
    const hop = 3200;
    const frames5 = Float64Array.from(linspace(0, Math.PI, n), (t) => 1 - Math.sin(t));
    const up = resample(frames5, n * hop);
    expectClose(Array.from({ length: n }, (_, k) => up[k * hop]), frames5, 1e-15);
    const upNoEnd = resample(frames5, 16001, { addEndpoint: false });
    expectClose(Array.from({ length: n }, (_, k) => upNoEnd[k * 4000]), frames5, 1e-12);
  });
  it('works per channel on frames and keeps the shape', () => {
    const y = resample(frames(f64(0, 10, 1, 20), 2, 2), 4);
    expect(y.shape).toEqual([4, 2]);
    expect(Array.from(y.data)).toEqual([0, 10, 0.5, 15, 1, 20, 1, 20]);
  });
  it('rejects unknown methods and empty input', () => {
    expect(() => resample(x, 4, { method: 'cubic' as never })).toThrow(`resample: opts.method must be one of 'linear', 'nearest' (got "cubic")`);
    expect(() => resample(new Float64Array(0), 4)).toThrow('resample: x must have at least one frame');
    expect(() => resample(x, 0)).toThrow('resample: nOut must be an integer >= 1 (got 0)');
  });
});

describe('upsampleWithWindows', () => {
  // Independent oracle: DDSP's recipe literally — periodic Hann of 2·hop, overlap-add, trim hop each side.
  function olaOracle(x: Float64Array, nOut: number, addEndpoint: boolean): Float64Array {
    const xs = addEndpoint ? Float64Array.from([...x, x[x.length - 1]]) : x;
    const hop = nOut / (xs.length - 1);
    const win = Array.from({ length: 2 * hop }, (_, m) => 0.5 - 0.5 * Math.cos((2 * Math.PI * m) / (2 * hop)));
    const ola = new Float64Array((xs.length - 1) * hop + 2 * hop);
    for (let k = 0; k < xs.length; k++) for (let m = 0; m < 2 * hop; m++) ola[k * hop + m] += xs[k] * win[m];
    return ola.slice(hop, ola.length - hop);
  }
  it('equals overlap-add of Hann-windowed frames, trimmed (with and without endpoint)', () => {
    const x = randomArray(10, 3);
    expectClose(upsampleWithWindows(x, 640), olaOracle(x, 640, true), 1e-14);
    expectClose(upsampleWithWindows(x, 630, { addEndpoint: false }), olaOracle(x, 630, false), 1e-14);
  });
  it('puts frame k exactly at sample k·hop and is a raised-cosine crossfade', () => {
    const y = upsampleWithWindows(f64(0, 1), 4);
    expectClose(y, [0, 0.5, 1, 1], 1e-15);
    const x = randomArray(6, 9);
    const z = upsampleWithWindows(x, 60);
    expect(Array.from({ length: 6 }, (_, k) => z[k * 10])).toEqual(Array.from(x));
  });
  it('keeps frames shaped [nOut, C]', () => {
    const y = upsampleWithWindows(frames(f64(0, 1, 1, 0), 2, 2), 8);
    expect(y.shape).toEqual([8, 2]);
    expectClose(Array.from({ length: 8 }, (_, i) => y.get(i, 0) + y.get(i, 1)), new Array(8).fill(1), 1e-15);
  });
  it('accepts integer ratios only and upsampling only (DDSP: 5 frames → 16000 ok, 6 not)', () => {
    expect(upsampleWithWindows(new Float64Array(5), 16000).length).toBe(16000);
    expect(() => upsampleWithWindows(new Float64Array(6), 16000)).toThrow(
      'upsampleWithWindows: nOut must be an integer multiple of the 6 intervals (got 16000, ratio 2666.6667)',
    );
    expect(upsampleWithWindows(new Float64Array(6), 16000, { addEndpoint: false }).length).toBe(16000);
    expect(() => upsampleWithWindows(new Float64Array(7), 16000, { addEndpoint: false })).toThrow('integer multiple of the 6 intervals');
    expect(() => upsampleWithWindows(new Float64Array(8), 4)).toThrow('upsampleWithWindows: only upsampling is supported');
  });
});

describe('pad / crop', () => {
  it('pad adds constants before and after; crop removes them', () => {
    expect(Array.from(pad(f64(1, 2), 1, 2))).toEqual([0, 1, 2, 0, 0]);
    expect(Array.from(pad(f64(1, 2), 0, 1, { value: 9 }))).toEqual([1, 2, 9]);
    expect(Array.from(crop(f64(0, 1, 2, 0, 0), 1, 2))).toEqual([1, 2]);
    expect(Array.from(centerCrop(f64(0, 0, 1, 2, 0, 0), 4))).toEqual([1, 2]);
  });
  it('work on whole frames', () => {
    const y = pad(frames(f64(1, 2), 1, 2), 1, 0);
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.data)).toEqual([0, 0, 1, 2]);
  });
  it('crop refuses to remove more than there is', () => {
    expect(() => crop(f64(1, 2, 3), 2, 2)).toThrow('crop: before + after must be at most the length 3 (got 2 + 2 = 4)');
    expect(() => pad(f64(1), -1, 0)).toThrow('pad: before must be an integer >= 0 (got -1)');
  });
});
