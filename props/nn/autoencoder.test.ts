import { describe, it } from 'vitest';
import ndarray from 'ndarray';
import { checkNodeVjp, nn, type Node } from '../../src/index.ts';
import { fc, num, arrayOf } from '../helpers.ts';

const preset = {
  decoder: { rnnChannels: 3, ch: 4, layersPerStack: 1, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: [['amps', 1], ['harmonic_distribution', 3], ['noise_magnitudes', 5]] },
  frameRate: 250, nSamples: 64, sampleRate: 2000, reverbLength: 8, noiseWindowSize: 0, doc: 'a tiny model for gradient checks',
} as const;

describe("the autoencoder's loss", () => {
  it('has the gradient of finite differences in every parameter tensor (decoder stacks, GRU, output, reverb IR), random directions', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), arrayOf(num(-0.5, 0.5), 2 * 64, 2 * 64), arrayOf(num(120, 400), 2 * 8, 2 * 8), (seed, a, f) => {
      const B = 2, T = 8;
      const audio = [a.slice(0, 64), a.slice(64)];
      const f0 = ndarray(f, [B, T, 1]);
      const x = { ...nn.preprocess(f0, nn.loudnessFeature(audio, preset)), f0_hz: f0, audio };
      const ae = nn.autoencoder({ preset, loss: { fftSizes: [32, 16], logmagWeight: 1 } });
      // The features and the target are data: check the loss as a function of the parameters only.
      const loss: Node = {
        name: 'autoencoderLoss',
        forward: (_x, p) => ae.forward(x as never, p),
        vjp: (_x, p) => {
          const [y, back] = ae.vjp(x as never, p);
          return [y, (g) => [undefined, back(g)[1]]];
        },
      };
      const params = nn.initAutoencoder({ preset }, seed) as Record<string, any>;
      params.reverb.ir = params.reverb.ir.map((_: number, i: number) => 0.05 * Math.cos(i + seed));
      const r = checkNodeVjp(loss, undefined, params, { eps: 1e-7, seed });
      if (!r.ok) throw new Error(r.message);
    }), { numRuns: 10 });
  });
});
