import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { core, frames, named, nn, synths } from '../../src/index.ts';
import { decoderStepper } from '../../src/realtime/decoder.ts';

const T = 40;
const K = 10;
const B = 9;

function preset(layersPerStack: number, inputKeys: string[]): nn.ModelPreset {
  return {
    decoder: { rnnChannels: 8, ch: 6, layersPerStack, inputKeys, outputSplits: [['amps', 1], ['harmonic_distribution', K], ['noise_magnitudes', B]] },
    frameRate: 250, nSamples: 64 * T, sampleRate: 8000, reverbLength: 0, noiseWindowSize: 0, doc: 'test',
  } as never;
}

/** Every parameter nudged off its initial value, so that zero biases or unit gains hide nothing. */
function perturbed(p: unknown, seed = 1): unknown {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const walk = (t: unknown): unknown => {
    if (t instanceof Float64Array) return t.map((v) => v + 0.3 * next());
    if (typeof t === 'object' && t !== null && 'data' in t && 'shape' in t) {
      const nd = t as { data: Float64Array; shape: number[] };
      return ndarray(nd.data.map((v) => v + 0.3 * next()), nd.shape.slice());
    }
    if (typeof t === 'object' && t !== null) return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, walk(v)]));
    return t;
  };
  return walk(p);
}

describe('decoderStepper', () => {
  for (const [layers, keys] of [[2, ['ld_scaled', 'f0_scaled']], [1, ['f0_scaled', 'ld_scaled']], [0, ['ld_scaled', 'f0_scaled']]] as const) {
    it(`gives the whole-sequence decoder's controls frame by frame (${layers} layers per stack, inputs ${keys.join(', ')})`, () => {
      const pr = preset(layers, [...keys]);
      const params = { decoder: perturbed(nn.initRnnFcDecoder(pr.decoder, 3)) } as never;
      // f0 rises past the point where the top harmonics cross Nyquist (4 kHz here); one 0-Hz frame.
      const f0 = Float64Array.from({ length: T }, (_, j) => (j === 7 ? 0 : 220 * 2 ** (j / 12)));
      const ld = Float64Array.from({ length: T }, (_, j) => -40 + j);
      const x = nn.preprocess(ndarray(f0, [1, T, 1]), ndarray(ld, [1, T, 1]));
      const dec = named('decoder', nn.rnnFcDecoder(pr.decoder)).forward(x, params) as Record<string, { data: Float64Array }>;
      const amp = core.expSigmoid(dec.amps.data);
      const dist = synths.normalizeHarmonics(frames(core.expSigmoid(dec.harmonic_distribution.data), T, K), f0, { sampleRate: 8000 }).data;
      const noise = core.expSigmoid(dec.noise_magnitudes.data.map((v) => v - 5));
      const s = decoderStepper(pr, params);
      let err = 0;
      for (let j = 0; j < T; j++) {
        const c = s.step(f0[j], ld[j]);
        err = Math.max(err, Math.abs(c.amplitude[0] - amp[j]));
        for (let k = 0; k < K; k++) err = Math.max(err, Math.abs(c.distribution[k] - dist[j * K + k]));
        for (let b = 0; b < B; b++) err = Math.max(err, Math.abs(c.noise[b] - noise[j * B + b]));
        expect(c.f0Hz[0]).toBe(f0[j]);
      }
      expect(err).toBeLessThan(1e-12);
      // reset() starts a new phrase: the first frame again.
      s.reset();
      expect(Math.abs(s.step(f0[0], ld[0]).amplitude[0] - amp[0])).toBeLessThan(1e-12);
      // Structured clones of the parameters (as posted to a worklet) work the same.
      const cloned = decoderStepper(pr, structuredClone(params));
      expect(Math.abs(cloned.step(f0[0], ld[0]).amplitude[0] - amp[0])).toBeLessThan(1e-12);
    });
  }
  it('names what is missing or malformed', () => {
    const pr = preset(1, ['ld_scaled', 'f0_scaled']);
    expect(() => decoderStepper(pr, {})).toThrow('decoderStepper: params.ld_scaled_stack is missing');
    const params = { decoder: nn.initRnnFcDecoder(pr.decoder, 0) } as { decoder: Record<string, Record<string, unknown>> };
    params.decoder.rnn.kernel = new Float64Array(3);
    expect(() => decoderStepper(pr, params)).toThrow('decoderStepper: params.decoder.rnn.kernel must hold 12·24 = 288 float64 values (got 3)');
    const ok = decoderStepper(pr, { decoder: nn.initRnnFcDecoder(pr.decoder, 0) });
    expect(() => ok.step(NaN, 0)).toThrow('decoderStepper.step: f0Hz must be a finite frequency >= 0 (got NaN)');
  });
});
