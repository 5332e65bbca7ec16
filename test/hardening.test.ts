/**
 * Regression tests for the independent audit's findings (issue "Hardening"), one block per item,
 * each reproducing the audit's case through the public API. Every one of them failed before the fix.
 */
import { describe, expect, it } from 'vitest';
import * as wavefileModule from 'wavefile';
import {
  DdspError, core, effects, frames, harmonic, harmonicControls, filteredNoise, filteredNoiseSignal, io, losses, pick,
  sinusoidal, spectral, synths, train, wavetable,
} from '../src/index.ts';
import { f64, randomArray } from './helpers.ts';

const ns = wavefileModule as unknown as { WaveFile?: any; default?: { WaveFile: any } };
const WaveFile = ns.WaveFile ?? ns.default?.WaveFile;

/** Expect a DdspError raised under `fn`'s name whose message contains `text`. */
function rejects(call: () => unknown, fn: string, text = ''): void {
  let err: unknown;
  try {
    call();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a DdspError').toBeInstanceOf(DdspError);
  expect((err as DdspError).fn).toBe(fn);
  expect((err as DdspError).message).toContain(text);
}

const allFinite = (x: ArrayLike<number>) => Array.from(x).every(Number.isFinite);
const fill = (n: number, v: number) => new Float64Array(n).fill(v);

describe('1. modDelayVjp at delay exactly 0', () => {
  it('is the one-sided derivative from above (−Σ g·gain·(x[n] − x[n−1])), not Σ g·gain·x[n]', () => {
    const x = randomArray(200, 3);
    const g = randomArray(200, 4);
    const d = effects.modDelayVjp(g, x, new Float64Array(200), fill(200, 1), { addDry: false }).delay;
    for (let n = 0; n < 200; n++) expect(d[n]).toBeCloseTo(-g[n] * (x[n] - (n > 0 ? x[n - 1] : 0)), 12);
  });
});

describe('2. no hangs', () => {
  it('linePlotSvg rejects a non-finite loss and draws 300,000 points without overflowing the stack', () => {
    rejects(() => io.linePlotSvg([{ name: 'loss', y: Float64Array.of(1, Infinity) }]), 'linePlotSvg', 'point 1 is (1, Infinity)');
    const svg = io.linePlotSvg([{ name: 'loss', y: new Float64Array(300000).fill(0.5) }], { yLog: true });
    expect(svg.startsWith('<svg')).toBe(true);
  });
  it('yin rejects an fMin its frames cannot resolve, at once', () => {
    const t0 = performance.now();
    rejects(() => spectral.yin(new Float64Array(16000), { fMin: 0.03 }), 'yin', 'opts.fMin (0.03 Hz)');
    rejects(() => spectral.yin(new Float64Array(16000), { fMin: 20, frameLength: 801 }), 'yin', 'raise opts.fMin to at least 40 Hz');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('3. no NaN or Infinity from finite input', () => {
  it('wavetableSynth with initialPhase −1e-20 (p − ⌊p⌋ rounds to 1) stays in the table', () => {
    const { audio } = synths.wavetableSynth(f64(1, 1), randomArray(16, 1), f64(440, 440), { nSamples: 64, initialPhase: -1e-20 });
    expect(allFinite(audio)).toBe(true);
  });
  it('spectralLoss of two empty signals is an error, not 0/0', () => {
    rejects(() => losses.spectralLoss(new Float64Array(0), new Float64Array(0)), 'spectralLoss', 'target must have at least one sample');
  });
  it('expDecayIr with decay 710 (e^decay overflows) keeps only tap 0', () => {
    const ir = effects.expDecayIr(f64(1), f64(710), { irLength: 64 });
    expect(allFinite(ir)).toBe(true);
    expect(ir.slice(1).every((v) => v === 0)).toBe(true);
    const g = effects.expDecayIrVjp(randomArray(64, 2), f64(1), f64(710), { irLength: 64 });
    expect(allFinite([...g.gain, ...g.decay])).toBe(true);
  });
  it('log-magnitude, log-mel, MFCC and spectral-loss VJPs stay finite when |X|² is denormal (audio ≈ 1e-158)', () => {
    const x = randomArray(1024, 5).map((v) => v * 1e-158);
    const o = { frameSize: 256 };
    const lm = spectral.logMagnitudeSpectrogram(x, o);
    expect(allFinite(lm.data)).toBe(true);
    expect(allFinite(spectral.logMagnitudeSpectrogramVjp(frames(randomArray(lm.data.length, 6), lm.shape[0], lm.shape[1]), x, o))).toBe(true);
    const mel = spectral.logMelSpectrogram(x, o);
    expect(allFinite(spectral.logMelSpectrogramVjp(frames(randomArray(mel.data.length, 7), mel.shape[0], mel.shape[1]), x, o))).toBe(true);
    const m = spectral.mfcc(x, { frameSize: 256, nMels: 32 });
    expect(allFinite(spectral.mfccVjp(frames(randomArray(m.data.length, 8), m.shape[0], m.shape[1]), x, { frameSize: 256, nMels: 32 }))).toBe(true);
    const target = randomArray(1024, 9);
    expect(allFinite(losses.spectralLossVjp(f64(1), target, x, { logmagWeight: 1, fftSizes: [256, 128] }))).toBe(true);
  });
  it('normalizeHarmonics of a denormal frame (1e-310, 1e-310) gives [0.5, 0.5], and its VJP is finite', () => {
    const d = frames(f64(1e-310, 1e-310), 1, 2);
    expect(Array.from(synths.normalizeHarmonics(d).data)).toEqual([0.5, 0.5]);
    expect(allFinite(synths.normalizeHarmonicsVjp(frames(f64(1, -2), 1, 2), d).data)).toBe(true);
  });
  it('safeLogVjp and hzToMidiVjp at denormal inputs saturate instead of overflowing', () => {
    expect(allFinite(core.safeLogVjp(f64(1, -1), f64(1e-310, 5e-324)))).toBe(true);
    expect(allFinite(core.hzToMidiVjp(f64(1, -1), f64(1e-310, 5e-324)))).toBe(true);
  });
  it('compressor rejects a make-up gain whose 10^(dB/20) overflows', () => {
    rejects(() => effects.compressor(randomArray(64, 1), { threshold: -20, ratio: 4, knee: 6, makeup: 1e4 }), 'compressor', 'params.makeup');
  });
});

describe('4. inputs that were never checked', () => {
  it('logMelSpectrogram rejects eps ≤ 0', () => {
    rejects(() => spectral.logMelSpectrogram(randomArray(512, 1), { eps: 0 }), 'logMelSpectrogram', 'opts.eps');
    rejects(() => spectral.logMelSpectrogram(randomArray(512, 1), { eps: -1 }), 'logMelSpectrogram', 'opts.eps');
  });
  it('modDelayPreset rejects sample rates 0 and NaN', () => {
    rejects(() => effects.modDelayPreset('chorus', 100, 0), 'modDelayPreset', 'sampleRate');
    rejects(() => effects.modDelayPreset('chorus', 100, NaN), 'modDelayPreset', 'sampleRate');
  });
  it('toMono rejects channels of unequal length (no NaN tail)', () => {
    rejects(() => io.toMono([new Float64Array(4), new Float64Array(3)]), 'toMono', 'same length');
  });
  it('rbjBiquad rejects q = 5e-324 (a2 would be NaN)', () => {
    rejects(() => effects.rbjBiquad('peaking', f64(1000), f64(5e-324), f64(3)), 'rbjBiquad', 'q[0]');
  });
  it('firLayout(1) is an error, not a zero-length layout', () => {
    rejects(() => spectral.firLayout(1), 'firLayout', 'nBands');
  });
});

describe('5. options that are not options objects', () => {
  it('null, numbers, strings and arrays as options are errors naming the function', () => {
    const x = randomArray(512, 1);
    for (const bad of [null, 42, 'hann', [1]]) rejects(() => spectral.stft(x, bad as never), 'stft', 'opts must be an options object');
  });
  it('the synth node factories without options say that nSamples is required', () => {
    rejects(() => (harmonic as (o?: unknown) => unknown)(), 'harmonic', 'opts.nSamples is required');
    rejects(() => (filteredNoise as (o?: unknown) => unknown)(), 'filteredNoise', 'opts.nSamples is required');
    rejects(() => (wavetable as (o?: unknown) => unknown)(), 'wavetable', 'opts.nSamples is required');
    rejects(() => (sinusoidal as (o?: unknown) => unknown)(), 'sinusoidal', 'opts.nSamples is required');
    expect(() => (harmonicControls as (o?: unknown) => unknown)()).not.toThrow(); // controls need no length
  });
});

describe('6. our own errors, never a raw JS error', () => {
  const mags = frames(fill(4 * 17, 0.5), 4, 17);
  it('windowSize 0.5 is rejected before any layout is built', () => {
    rejects(() => spectral.frequencyFilter(randomArray(64, 1), mags, { windowSize: 0.5 }), 'frequencyFilter', 'opts.windowSize');
    rejects(() => effects.firFilter(randomArray(64, 1), mags, { windowSize: 0.5 }), 'firFilter', 'opts.windowSize');
    rejects(() => effects.filteredNoiseIrVjp(randomArray(64, 1), mags, { irLength: 64, windowSize: 0.5 }), 'filteredNoiseIrVjp', 'opts.windowSize');
    rejects(() => filteredNoiseSignal({ nSamples: 64, windowSize: 0.5 }), 'filteredNoiseSignal', 'opts.windowSize');
    rejects(() => spectral.firLayout(0), 'firLayout', 'nBands');
  });
  it('encodeWav(x, 1e300), parametricEq(x, [null]), fit without optimizer or with a bad onProgress, pick(null)', () => {
    rejects(() => io.encodeWav(randomArray(8, 1), 1e300), 'encodeWav', 'sampleRate');
    rejects(() => effects.parametricEq(randomArray(8, 1), [null as never]), 'parametricEq', 'bands[0]');
    const vg = (p: { w: Float64Array }) => ({ value: 1, grad: p });
    rejects(() => train.fit({ valueAndGrad: vg, params: { w: f64(1) }, steps: 2 } as never), 'fit', 'opts.optimizer');
    rejects(() => train.fit({ valueAndGrad: vg, params: { w: f64(1) }, steps: 2, optimizer: train.adam(), onProgress: 3 } as never), 'fit', 'opts.onProgress');
    rejects(() => pick(null as never), 'pick', 'path');
  });
});

describe('7. errors name the function the user called', () => {
  it('reverb on empty audio, mfcc with nMfcc 200, filteredNoise with seed 1.5, modDelay on empty audio', () => {
    rejects(() => effects.reverb(new Float64Array(0), randomArray(16, 1)), 'reverb', 'audio');
    rejects(() => spectral.mfcc(randomArray(2048, 1), { nMfcc: 200 }), 'mfcc', 'opts.nMfcc');
    rejects(() => synths.filteredNoise(frames(fill(4 * 17, 0.5), 4, 17), { nSamples: 64, seed: 1.5 }), 'filteredNoise', 'opts.seed');
    rejects(() => effects.modDelay(new Float64Array(0), new Float64Array(0), new Float64Array(0)), 'modDelay', 'audio must have at least one sample');
  });
});

describe('8. unknown option keys are errors with the nearest valid key', () => {
  it("{ windowSiz } and { samplerate } are typos, not silently ignored", () => {
    rejects(() => effects.firFilter(randomArray(64, 1), frames(fill(4 * 17, 0.5), 4, 17), { windowSiz: 64 } as never), 'firFilter', "did you mean 'windowSize'?");
    rejects(
      () => synths.harmonicSynth(f64(1, 1), frames(f64(1, 1), 2, 1), f64(440, 440), { nSamples: 64, samplerate: 44100 } as never),
      'harmonicSynth', "unknown option 'samplerate' in opts; did you mean 'sampleRate'?",
    );
  });
  it('the message lists the valid keys', () => {
    rejects(() => spectral.stft(randomArray(512, 1), { zzz: 1 } as never), 'stft', 'valid options: frameSize, overlap, hop, fftSize, padEnd, center, window');
  });
});

describe('9. strict WAV decoding', () => {
  /** A minimal RIFF/WAVE file: fmt chunk with the given fields, then a data chunk of `data`. */
  function riff(audioFormat: number, channels: number, rate: number, bits: number, data: Uint8Array, declared = data.length): Uint8Array {
    const pad = data.length % 2;
    const out = new Uint8Array(44 + data.length + pad);
    const v = new DataView(out.buffer);
    const s = (o: number, t: string) => [...t].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
    s(0, 'RIFF'); v.setUint32(4, 36 + data.length + pad, true); s(8, 'WAVE');
    s(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, audioFormat, true); v.setUint16(22, channels, true);
    v.setUint32(24, rate, true); v.setUint32(28, (rate * channels * bits) / 8, true); v.setUint16(32, (channels * bits) / 8, true); v.setUint16(34, bits, true);
    s(36, 'data'); v.setUint32(40, declared, true);
    out.set(data, 44);
    return out;
  }
  it('an 8-bit file with a 599-byte data chunk has 599 samples (the RIFF pad byte is not audio)', () => {
    const data = Uint8Array.from({ length: 599 }, (_, i) => (i * 7) % 256);
    const { channels } = io.decodeWav(riff(1, 1, 8000, 8, data));
    expect(channels[0].length).toBe(599);
    expect(channels[0][598]).toBe((data[598] - 128) / 128);
  });
  it('a 16-bit file relabelled as MP3 (format 0x55) is refused by name', () => {
    rejects(() => io.decodeWav(riff(0x55, 1, 16000, 16, new Uint8Array(200))), 'decodeWav', 'MP3-compressed');
  });
  it('float WAVs holding NaN are malformed', () => {
    const f = new Float32Array([0.1, NaN, 0.2, 0]);
    rejects(() => io.decodeWav(riff(3, 1, 16000, 32, new Uint8Array(f.buffer))), 'decodeWav', 'float sample 1 of channel 0 is NaN');
  });
  it('other formats are named: "not a WAV file (looks like MP3)"', () => {
    rejects(() => io.decodeWav(Uint8Array.of(0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), 'decodeWav', 'not a WAV file (looks like MP3)');
    rejects(() => io.decodeWav(new TextEncoder().encode('fLaC\0\0\0\0\0\0\0\0\0\0')), 'decodeWav', 'looks like FLAC');
    rejects(() => io.decodeWav(new TextEncoder().encode('OggS\0\0\0\0\0\0\0\0\0\0')), 'decodeWav', 'looks like OGG');
  });
  it('mu-law and A-law files decode (through 16-bit PCM) to within their companding error', () => {
    const pcm = Int16Array.from({ length: 256 }, (_, i) => Math.round(12000 * Math.sin(i / 5)));
    for (const law of ['toMuLaw', 'toALaw'] as const) {
      const w = new WaveFile();
      w.fromScratch(1, 8000, '16', pcm);
      w[law]();
      const { channels, sampleRate } = io.decodeWav(w.toBuffer());
      expect(sampleRate).toBe(8000);
      expect(channels[0].length).toBe(256);
      for (let i = 0; i < 256; i++) expect(Math.abs(channels[0][i] - pcm[i] / 32768)).toBeLessThan(0.02);
    }
  });
  it('a RIFF size beyond the end of the file, or a byteRate that disagrees with the format, is malformed', () => {
    const ok = riff(1, 1, 8000, 16, new Uint8Array(20));
    expect(io.decodeWav(ok).channels[0].length).toBe(10);
    rejects(() => io.decodeWav(ok.slice(0, ok.length - 4)), 'decodeWav', 'truncated WAV');
    const badRate = ok.slice();
    new DataView(badRate.buffer).setUint32(28, 12345, true);
    rejects(() => io.decodeWav(badRate), 'decodeWav', 'byteRate is 12345');
  });
  it('a data chunk that is not whole frames is malformed', () => {
    rejects(() => io.decodeWav(riff(1, 2, 8000, 16, new Uint8Array(10), 10 - 2 + 1)), 'decodeWav', 'not a whole number of 4-byte frames');
  });
});
