import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { frames, named, nn, valueAndGrad } from '../../src/index.ts';
import { randomArray } from '../helpers.ts';

describe("DDSP's presets", () => {
  it('have the exact parameter counts of DDSP: solo_instrument 4,801,150, tiny_instrument 232,314, vst 1,873,278', () => {
    expect(nn.layers.countParams(nn.initRnnFcDecoder(nn.presets.soloInstrument.decoder))).toBe(4801150);
    expect(nn.layers.countParams(nn.initRnnFcDecoder(nn.presets.tinyInstrument.decoder))).toBe(232314);
    expect(nn.layers.countParams(nn.initRnnFcDecoder(nn.presets.vst.decoder))).toBe(1873278);
    expect(nn.layers.countParams(nn.initRnnFcDecoder(nn.presets.small.decoder))).toBe(265342);
    expect(nn.framesPerExample(nn.presets.soloInstrument)).toBe(1000);
    expect(nn.framesPerExample(nn.presets.vst)).toBe(201);
  });
});

const tiny = { rnnChannels: 3, ch: 4, layersPerStack: 1, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: [['amps', 1], ['harmonic_distribution', 3], ['noise_magnitudes', 5]] } as const;

describe('rnnFcDecoder', () => {
  it('equals its layers composed by hand: stacks → concat → GRU → concat(stacks, GRU) → stack → dense → split', () => {
    const B = 2, T = 5;
    const ld = ndarray(randomArray(B * T, 1), [B, T, 1]);
    const f0 = ndarray(randomArray(B * T, 2), [B, T, 1]);
    const p = nn.initRnnFcDecoder(tiny, 3) as Record<string, any>;
    const y = named('d', nn.rnnFcDecoder(tiny)).forward({ ld_scaled: ld, f0_scaled: f0 }, { d: p }) as Record<string, ndarray.NdArray<Float64Array>>;
    const fc = (x: any, q: any) => nn.leakyRelu(nn.layerNorm(nn.dense(x, q.dense.kernel, q.dense.bias), q.norm.gamma, q.norm.beta));
    const hl = fc(ld, p.ld_scaled_stack.fc0);
    const hf = fc(f0, p.f0_scaled_stack.fc0);
    const r = nn.gru(nn.concat([hl, hf]), p.rnn).sequence;
    const z = nn.dense(fc(nn.concat([hl, hf, r]), p.out_stack.fc0), p.out.kernel, p.out.bias);
    const [amps, hd, noise] = nn.splitChannels(z, [1, 3, 5]);
    expect(y.amps.shape).toEqual([B, T, 1]);
    expect(Array.from(y.amps.data)).toEqual(Array.from(amps.data));
    expect(Array.from(y.harmonic_distribution.data)).toEqual(Array.from(hd.data));
    expect(Array.from(y.noise_magnitudes.data)).toEqual(Array.from(noise.data));
  });
  it('rejects options it does not know and outputs that are not [name, width] pairs', () => {
    expect(() => nn.rnnFcDecoder({ ...tiny, rnnChanels: 3 } as never)).toThrow("rnnFcDecoder: unknown option 'rnnChanels' in opts; did you mean 'rnnChannels'?");
    expect(() => nn.rnnFcDecoder({ ...tiny, outputSplits: [['amps', 0]] } as never)).toThrow('rnnFcDecoder: opts.outputSplits must be a non-empty array of [name, width] pairs');
  });
});

describe('the autoencoder', () => {
  const preset = { decoder: tiny, frameRate: 250, nSamples: 64, sampleRate: 2000, reverbLength: 8, noiseWindowSize: 0, doc: 'test' } as const;
  const loss = { fftSizes: [32, 16], logmagWeight: 1 };
  it('preprocesses as DDSP: f0_scaled = hzToMidi(f0)/127, ld_scaled = ld/80 + 1', () => {
    const { f0_scaled, ld_scaled } = nn.preprocess(frames(Float64Array.of(440, 0), 2, 1), frames(Float64Array.of(-80, 0), 2, 1));
    expect(Array.from(f0_scaled.data)).toEqual([69 / 127, 0]);
    expect(Array.from(ld_scaled.data)).toEqual([0, 1]);
  });
  it('computes a loss over a batch, with gradients for every parameter tensor, the reverb IR included', () => {
    const B = 2, T = nn.framesPerExample(preset);
    const f0 = ndarray(Float64Array.from({ length: B * T }, (_, i) => 150 + 10 * i), [B, T, 1]);
    const audio = [randomArray(64, 5, -0.5, 0.5), randomArray(64, 6, -0.5, 0.5)];
    const ld = nn.loudnessFeature(audio, preset);
    expect(ld.shape).toEqual([B, T, 1]);
    const x = { ...nn.preprocess(f0, ld), f0_hz: f0, audio };
    const params = nn.initAutoencoder({ preset, loss }, 1) as Record<string, any>;
    expect(params.reverb.ir.length).toBe(8);
    const { value, grad } = valueAndGrad(nn.autoencoder({ preset, loss }))(x, params);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThan(0);
    const g = grad as Record<string, any>;
    const nonzero = (a: Float64Array) => a.some((v) => v !== 0);
    expect(nonzero(g.decoder.rnn.kernel.data)).toBe(true);
    expect(nonzero(g.decoder.out.kernel.data)).toBe(true);
    expect(nonzero(g.decoder.ld_scaled_stack.fc0.norm.gamma)).toBe(true);
    expect(nonzero(g.reverb.ir.slice(1))).toBe(true);
    const audios = nn.autoencoderSynth({ preset }).forward(x, params) as Float64Array[];
    expect(audios.length).toBe(2);
    expect(audios[0].length).toBe(64);
  });
});
