import { describe, expect, it } from 'vitest';
import { adam, fit, fitAsync, sgd } from '../../src/train/index.ts';

// A quadratic bowl: loss Σ (w − c)², gradient 2(w − c).
const c = Float64Array.of(1, -2, 0.5);
const vg = (p: { w: Float64Array }) => ({ value: p.w.reduce((s, v, i) => s + (v - c[i]) ** 2, 0), grad: { w: p.w.map((v, i) => 2 * (v - c[i])) } });
const p0 = () => ({ w: new Float64Array(3) });

function busy(ms: number): void {
  const t0 = performance.now();
  while (performance.now() - t0 < ms);
}

describe('fitAsync', () => {
  it('takes the same steps as fit: bit-identical losses and parameters', async () => {
    const a = fit({ valueAndGrad: vg, params: p0(), optimizer: adam({ learningRate: 0.05 }), steps: 200 });
    const b = await fitAsync({ valueAndGrad: vg, params: p0(), optimizer: adam({ learningRate: 0.05 }), steps: 200 });
    expect(Array.from(b.losses)).toEqual(Array.from(a.losses));
    expect(Array.from(b.params.w)).toEqual(Array.from(a.params.w));
    expect(b.aborted).toBe(false);
    // Plain gradient descent from 0 with rate 0.25 halves the distance to c each step: closed form.
    const g = await fitAsync({ valueAndGrad: vg, params: p0(), optimizer: sgd({ learningRate: 0.25 }), steps: 3 });
    expect(Array.from(g.params.w)).toEqual(Array.from(c, (v) => v * (1 - 0.5 ** 3)));
  });
  it('lets timers run while it trains (yields every yieldMs)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const slow = (p: { w: Float64Array }) => {
      busy(2);
      return vg(p);
    };
    await fitAsync({ valueAndGrad: slow, params: p0(), optimizer: sgd({ learningRate: 0.1 }), steps: 60, yieldMs: 5 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
    // The synchronous fit blocks them all.
    ticks = 0;
    const timer2 = setInterval(() => ticks++, 1);
    fit({ valueAndGrad: slow, params: p0(), optimizer: sgd({ learningRate: 0.1 }), steps: 30 });
    expect(ticks).toBe(0);
    clearInterval(timer2);
  });
  it('stops at the next step when its signal is aborted, returning the parameters so far', async () => {
    const ac = new AbortController();
    const slow = (p: { w: Float64Array }, step: number) => {
      if (step === 10) setTimeout(() => ac.abort(), 0);
      busy(1);
      return vg(p);
    };
    const r = await fitAsync({ valueAndGrad: slow, params: p0(), optimizer: sgd({ learningRate: 0.1 }), steps: 10_000, signal: ac.signal, yieldMs: 0 });
    expect(r.aborted).toBe(true);
    expect(r.losses.length).toBeGreaterThan(10);
    expect(r.losses.length).toBeLessThan(100);
    const already = new AbortController();
    already.abort();
    const none = await fitAsync({ valueAndGrad: vg, params: p0(), optimizer: sgd({ learningRate: 0.1 }), steps: 5, signal: already.signal });
    expect([none.aborted, none.losses.length]).toEqual([true, 0]);
  });
  it('accepts an asynchronous loss; fit says to use fitAsync for one', async () => {
    const later = async (p: { w: Float64Array }) => vg(p);
    const r = await fitAsync({ valueAndGrad: later, params: p0(), optimizer: sgd({ learningRate: 0.25 }), steps: 3 });
    expect(Array.from(r.params.w)).toEqual(Array.from(c, (v) => v * (1 - 0.5 ** 3)));
    expect(() => fit({ valueAndGrad: later as never, params: p0(), optimizer: sgd({ learningRate: 0.1 }), steps: 2 })).toThrow('fit: opts.valueAndGrad returned a promise; use train.fitAsync for asynchronous losses');
    await expect(fitAsync({ valueAndGrad: vg, params: p0(), optimizer: sgd({ learningRate: 0.1 }), steps: 2, signal: 'stop' as never })).rejects.toThrow('fitAsync: opts.signal must be an AbortSignal');
    await expect(fitAsync({ valueAndGrad: vg, params: p0(), optimizer: sgd({ learningRate: 0.1 }), steps: 2, sginal: 1 } as never)).rejects.toThrow('fitAsync: unknown option');
  });
});
