import { describe, it, expect } from 'vitest';
import { chain, fanout, pick, sum, harmonic, filteredNoise, wavetable, sinusoidal, harmonicControls, frames, core, synths } from '../../src/index.ts';
import { expectClose, randomArray } from '../helpers.ts';

const F = 8;
const K = 6;
const nSamples = F * 32;
const raw = {
  harmonic: { amplitudes: randomArray(F, 1, -2, 2), harmonicDistribution: frames(randomArray(F * K, 2, -3, 3), F, K), f0Hz: randomArray(F, 3, 200, 1500) },
  noise: frames(randomArray(F * 17, 4, -3, 3), F, 17),
};

describe('synth nodes', () => {
  it('harmonic = expSigmoid controls, Nyquist-normalised distribution, then harmonicSynth', () => {
    const y = harmonic({ nSamples }).forward(raw.harmonic, {}) as Float64Array;
    const dist = synths.normalizeHarmonics(core.expSigmoid(raw.harmonic.harmonicDistribution), raw.harmonic.f0Hz, { sampleRate: 16000 });
    const expected = synths.harmonicSynth(core.expSigmoid(raw.harmonic.amplitudes), dist, raw.harmonic.f0Hz, { nSamples }).audio;
    expectClose(y, expected, 1e-14);
  });
  it('harmonicControls removes harmonics above Nyquist and normalises each frame to 1', () => {
    const ctl = harmonicControls({ nSamples }).forward({ ...raw.harmonic, f0Hz: new Float64Array(F).fill(3000) }, {}) as { distribution: ReturnType<typeof frames> };
    for (let j = 0; j < F; j++) {
      expect(ctl.distribution.get(j, 2)).toBe(0); // 9 kHz ≥ 8 kHz
      expect(ctl.distribution.get(j, 0) + ctl.distribution.get(j, 1)).toBeCloseTo(1, 14);
    }
  });
  it('filteredNoise applies DDSP’s −5 bias: zero raw magnitudes give noise at expSigmoid(−5) ≈ 1.98e-5', () => {
    const y = filteredNoise({ nSamples: 1024 }).forward(frames(new Float64Array(4 * 65), 4, 65), {}) as Float64Array;
    const g = core.expSigmoid(Float64Array.of(-5))[0];
    expect(g).toBeCloseTo(1.98e-5, 7);
    expectClose(y, Array.from(synths.uniformNoise(1024, 0).noise, (v) => g * v), 1e-14);
  });
  it('chain(fanout({harmonic, noise}), sum()) is the harmonic-plus-noise model', () => {
    const hpn = chain(
      fanout({ harmonic: chain(pick('harmonic'), harmonic({ nSamples })), noise: chain(pick('noise'), filteredNoise({ nSamples, seed: 9 })) }),
      sum(),
    );
    const y = hpn.forward(raw, {}) as Float64Array;
    const h = harmonic({ nSamples }).forward(raw.harmonic, {}) as Float64Array;
    const n = filteredNoise({ nSamples, seed: 9 }).forward(raw.noise, {}) as Float64Array;
    expectClose(y, Array.from(h, (v, i) => v + n[i]), 1e-15);
  });
  it('wavetable and sinusoidal nodes scale their controls as DDSP', () => {
    const tab = frames(randomArray(F * 16, 5), F, 16);
    const w = wavetable({ nSamples }).forward({ amplitudes: raw.harmonic.amplitudes, wavetables: tab, f0Hz: raw.harmonic.f0Hz }, {}) as Float64Array;
    const we = synths.wavetableSynth(core.expSigmoid(raw.harmonic.amplitudes), core.expSigmoid(tab), raw.harmonic.f0Hz, { nSamples }).audio;
    expectClose(w, we, 1e-14);
    const fr = frames(randomArray(F * 3, 6, -2, 2), F, 3);
    const am = frames(randomArray(F * 3, 7), F, 3);
    const s = sinusoidal({ nSamples }).forward({ amplitudes: am, frequencies: fr }, {}) as Float64Array;
    const hz = core.unitToHz(frames(fr.data.map((v) => 1 / (1 + Math.exp(-v))), F, 3), { hzMin: 0, hzMax: 8000 });
    expectClose(s, synths.sinusoidalSynth(core.expSigmoid(am), hz, { nSamples }).audio, 1e-12);
  });
  it('names a missing control', () => {
    expect(() => harmonic({ nSamples }).forward({ amplitudes: raw.harmonic.amplitudes } as never, {})).toThrow("harmonic: input must be a record with 'f0Hz'");
  });
});
