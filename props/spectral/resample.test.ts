import { describe, it } from 'vitest';
import { resampleAudio, resampleAudioVjp } from '../../src/spectral/resample.ts';
import { fc, num, arrayOf, expectVjp, expectAdjoint } from '../helpers.ts';

const rates = fc.constantFrom([44100, 16000], [48000, 16000], [22050, 16000], [8000, 16000], [16000, 16000], [11025, 44100], [16000, 12000]);

describe('resampleAudio: linear, exact adjoint and VJP', () => {
  it('for down-, up- and same-rate conversions, short options included', () => {
    const arb = fc.tuple(arrayOf(num(-1, 1), 1, 120), rates, fc.constantFrom({}, { zeros: 4, beta: 5 }, { rolloff: 0.8 }));
    fc.assert(fc.property(arb, ([x, [from, to], o]) => {
      expectAdjoint((v: Float64Array) => resampleAudio(v, from, to, o), (g: Float64Array) => resampleAudioVjp(g, x, from, to, o), x);
      expectVjp((v: Float64Array) => resampleAudio(v, from, to, o), (g, v) => resampleAudioVjp(g, v, from, to, o), x);
    }), { numRuns: 40 });
  });
});
