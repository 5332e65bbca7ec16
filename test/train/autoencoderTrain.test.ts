import { describe, expect, it } from 'vitest';
import { core, nn, train } from '../../src/index.ts';
import { createTask } from '../../src/train/autoencoderTask.ts';
import { randomArray } from '../helpers.ts';
import * as node from '../../src/node/index.ts';

const preset = {
  decoder: { rnnChannels: 3, ch: 4, layersPerStack: 1, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: [['amps', 1], ['harmonic_distribution', 3], ['noise_magnitudes', 5]] },
  frameRate: 250, nSamples: 64, sampleRate: 2000, reverbLength: 8, noiseWindowSize: 0, doc: 'tiny',
} as never as nn.ModelPreset;
const loss = { fftSizes: [32, 16], logmagWeight: 1 };

describe('batchIndices', () => {
  it('draws each epoch as a seeded permutation of the examples, the same for the same step', () => {
    const n = 10;
    const all = Array.from({ length: 10 }, (_, s) => train.batchIndices(s, 5, n, 3)).flat(); // 5 epochs
    for (let e = 0; e < 5; e++) expect(all.slice(e * n, (e + 1) * n).sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    expect(train.batchIndices(7, 5, n, 3)).toEqual(all.slice(35, 40));
    expect(train.batchIndices(0, 10, n, 4)).not.toEqual(all.slice(0, 10));
    expect(() => train.batchIndices(-1, 2, 3)).toThrow('batchIndices: step');
  });
});

describe('autoencoderExamples', () => {
  it('cuts windows every hopSeconds and preprocesses f0 and loudness as DDSP', () => {
    const audio = randomArray(300, 2);
    const F = 300 / 8 + 1; // 38 frames at hop 8
    const f0Hz = Float64Array.from({ length: F }, (_, i) => 200 + i);
    const loudnessDb = Float64Array.from({ length: F }, (_, i) => -40 + i / 2);
    const ex = train.autoencoderExamples(audio, { preset, f0Hz, loudnessDb, hopSeconds: 0.02 }); // 5 frames = 40 samples
    expect(ex.length).toBe(Math.floor((300 - 64) / 40) + 1);
    for (const [k, e] of ex.entries()) {
      expect(Array.from(e.audio)).toEqual(Array.from(audio.subarray(40 * k, 40 * k + 64)));
      expect(Array.from(e.f0_hz)).toEqual(Array.from(f0Hz.subarray(5 * k, 5 * k + 8)));
      for (let i = 0; i < 8; i++) {
        expect(e.f0_scaled[i]).toBeCloseTo(core.hzToMidi(Float64Array.of(f0Hz[5 * k + i]))[0] / 127, 12);
        expect(e.ld_scaled[i]).toBeCloseTo(loudnessDb[5 * k + i] / 80 + 1, 12);
      }
    }
    expect(() => train.autoencoderExamples(audio, { preset, f0Hz: new Float64Array(F), loudnessDb })).toThrow("autoencoderExamples: opts.f0Hz[0] is 0; f0 must be positive everywhere (fill unvoiced frames, e.g. pyin's fill: 'nearest')");
    expect(() => train.autoencoderExamples(audio.subarray(0, 50), { preset, f0Hz, loudnessDb })).toThrow('shorter than one example');
  });
});

describe('trainAutoencoder', () => {
  it('equals trainLoop over dataParallel with the same batches, and lowers the loss', async () => {
    const audio = Float64Array.from({ length: 600 }, (_, i) => 0.4 * Math.sin((2 * Math.PI * 220 * i) / 2000));
    const F = 600 / 8 + 1;
    const examples = train.autoencoderExamples(audio, { preset, f0Hz: new Float64Array(F).fill(220), loudnessDb: new Float64Array(F).fill(-20), hopSeconds: 0.032 });
    const steps = 12;
    const r = await node.trainAutoencoder({ preset, examples, steps, loss, batchSize: 3, workers: 0, learningRate: 1e-2, seed: 5 });
    const dp = await node.dataParallel({ module: node.autoencoderTaskModule, config: { preset, loss }, workers: 0, createTask: createTask as never });
    const manual = await node.trainLoop({
      params: nn.initAutoencoder({ preset }, 5),
      valueAndGrad: (p, s) => dp.valueAndGrad(p, train.batchIndices(s, 3, examples.length, 5).map((i) => examples[i])),
      optimizer: train.ddspOptimizer({ learningRate: 1e-2 }),
      steps,
    });
    await dp.close();
    expect(Array.from(r.losses)).toEqual(Array.from(manual.losses));
    expect(JSON.stringify(r.params, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v))).toBe(JSON.stringify(manual.params, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)));
    expect(r.losses[steps - 1]).toBeLessThan(r.losses[0]);
  });

  it('names its own errors, those of the loop it runs included', async () => {
    await expect(node.trainAutoencoder({ preset: 'big' as never, examples: [], steps: 1 })).rejects.toThrow("trainAutoencoder: opts.preset: unknown preset 'big'");
    const ex = train.autoencoderExamples(randomArray(64, 1), { preset, f0Hz: new Float64Array(9).fill(200), loudnessDb: new Float64Array(9).fill(-30) });
    await expect(node.trainAutoencoder({ preset, examples: ex, steps: 0, loss, workers: 0 })).rejects.toThrow('trainAutoencoder: opts.steps');
  });
});
