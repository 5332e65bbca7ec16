/**
 * A fuzz template for every function the package exports (see harness.ts). Keys are export
 * paths as a user reaches them: `spectral.stft`, `core.expSigmoid`, `harmonic` (the node),
 * `nodes.expSigmoid`. A forward op and its VJP are registered together by `pair`, the VJP's
 * cotangent shaped like the forward's output on the same valid arguments.
 */
import fc from 'fast-check';
import ndarray from 'ndarray';
import { readFileSync as readFileSyncFn } from 'node:fs';
import * as ddsp from '../../src/index.ts';
import * as testingApi from '../../src/testing/index.ts';
import * as nodeApi from '../../src/node/index.ts';
import * as gpuApi from '../../src/gpu/index.ts';
import { FakeAudioBuffer } from '../../test/fakeAudioBuffer.ts';
import { createTask as createTaskFn } from '../../src/train/autoencoderTask.ts';
import type { Rng } from '../../src/check/rng.ts';
import type { Node } from '../../src/graph/node.ts';
import {
  bool, choice, cot, count, fixed, fixedSig, fn, fr, int, number, opts, optsMin, pos, positive, record, sig, size, str,
  type Arg, type Template,
} from './harness.ts';
import * as node from '../../src/node/index.ts';

type F = (...a: unknown[]) => unknown;

/** The function at an export path. */
export function exportAt(path: string): F {
  // `testing.x` is the ddsp/testing subpath, `node.x` ddsp/node; `nodes.x` (graph nodes) is in the main entry.
  const sub = path.startsWith('testing.') ? 'testing' : path.startsWith('node.') ? 'node' : path.startsWith('gpu.') ? 'gpu' : null;
  let v: unknown = sub === 'testing' ? testingApi : sub === 'node' ? nodeApi : sub === 'gpu' ? gpuApi : ddsp;
  for (const k of (sub ? path.slice(sub.length + 1) : path).split('.')) v = (v as Record<string, unknown>)[k];
  return v as F;
}

export const templates: Record<string, Template> = {};

function add(path: string, args: (r: Rng) => Arg[], extra: Partial<Template> = {}): void {
  templates[path] = { args, ...extra };
}

/** Register `path` and `path + 'Vjp'`; the VJP takes a cotangent named `g` first, then the same arguments. */
function pair(path: string, args: (r: Rng) => Arg[], g = 'gy', extra: Partial<Template> = {}): void {
  add(path, args, extra);
  add(`${path}Vjp`, (r) => {
    const a = args(r);
    const y = exportAt(path)(...a.map((x) => x.value));
    return [cot(g, r, y), ...a];
  }, extra);
}

/** Add an option key to the last (options) argument of a registered template. */
function withVjpKey(path: string, key: Arg): void {
  const base = templates[path].args;
  templates[path].args = (r) => {
    const a = base(r);
    const last = a[a.length - 1];
    return [...a.slice(0, -1), { ...last, keys: [...(last.keys ?? []), key] }];
  };
}

const N = 32;
const unit = (r: Rng) => [sig('x', r, N)];
const skip = (why: string): Template => ({ args: () => [], skip: why });

// ---- core --------------------------------------------------------------------------------
const helper = 'a throwing helper for writing ops: it raises DdspError for whatever name it is given, by design';
for (const k of ['checkBoolean', 'checkFiniteValues', 'checkInteger', 'checkNumber', 'checkOneOf', 'checkPositive', 'checkSameLength',
  'checkSignal', 'checkSize', 'fail', 'readOptions', 'optionKeys', 'within', 'withinAsync', 'readLayout', 'wrapLike', 'contiguous']) {
  templates[`core.${k}`] = skip(helper);
}
templates.DdspError = skip('the error class');
templates['core.DdspError'] = skip('the error class');
add('core.nearestKey', () => [str('key', 'sampleRat'), fixed('valid', ['sampleRate', 'nSamples'])], { total: true });
add('core.sigmoid', () => [number('x', 0.3)], { total: true });
add('core.softplusScalar', () => [number('x', 0.3)], { total: true });
add('core.isNdArray', () => [fixed('x', 1)], { total: true });
add('core.isLeaf', () => [fixed('x', 1)], { total: true });
add('frames', (r) => [sig('data', r, 12), count('nFrames', 3), size('channels', 4)], { passthrough: true });
add('core.frames', (r) => [sig('data', r, 12), count('nFrames', 3), size('channels', 4)], { passthrough: true });
const tree = (r: Rng) => ({ a: sig('a', r, 4).value as Float64Array, b: { c: sig('c', r, 3).value as Float64Array } });
add('core.leafData', (r) => [sig('x', r, 4)], { passthrough: true });
add('core.treeMap', (r) => [fn('f', ([a]: Float64Array[]) => a.map((v) => 2 * v)), fixed('trees', [tree(r)])]);
add('core.zerosLike', (r) => [record('x', tree(r))]);
add('core.treeScale', (r) => [record('x', tree(r)), number('s', 2)]);
add('core.treeAdd', (r) => { const t = tree(r); return [record('a', t), record('b', tree(r))]; });
add('core.treeDot', (r) => [record('a', tree(r)), record('b', tree(r))]);
add('core.treeLeaves', (r) => [record('x', tree(r))]);
add('core.treeSize', (r) => [record('x', tree(r))]);
add('core.addCotangents', (r) => [fixed('a', tree(r)), fixed('b', tree(r))]);
add('core.densify', (r) => [fixed('c', { a: sig('a', r, 4).value }), record('like', tree(r))]);

pair('core.expSigmoid', (r) => [sig('x', r, N, 5), opts([positive('exponent', 10), number('maxValue', 2), number('threshold', 1e-7)])]);
pair('core.symExpSigmoid', (r) => [sig('x', r, N, 5), opts([number('width', 8)])]);
pair('core.softplus', (r) => [sig('x', r, N, 5)]);
pair('core.softLimit', (r) => [sig('x', r, N, 3), opts([number('xMin', 0), number('xMax', 1)])]);
pair('core.logScale', (r) => [sig('x', r, N), opts([positive('minX', 1, false), positive('maxX', 100, false)], false)]);
pair('core.safeLog', (r) => [sig('x', r, N), opts([positive('eps', 1e-5)])]);
pair('core.safeDivide', (r) => [sig('n', r, N), pos('d', r, N), opts([positive('eps', 1e-7)])]);
pair('core.midiToHz', (r) => [sig('m', r, N, 100), opts([bool('midiZeroSilence', false)])], 'gf');
pair('core.hzToMidi', (r) => [pos('f', r, N, 20, 8000)], 'gm');
pair('core.unitToMidi', (r) => [sig('u', r, N), opts([number('midiMin', 20), number('midiMax', 90), bool('clip', false)])], 'gm');
pair('core.midiToUnit', (r) => [sig('m', r, N, 100), opts([number('midiMin', 20), number('midiMax', 90), bool('clip', false)])], 'gu');
pair('core.unitToHz', (r) => [sig('u', r, N), opts([number('hzMin', 20, false), positive('hzMax', 8000, false), bool('clip', false)], false)], 'gf');
pair('core.hzToUnit', (r) => [pos('f', r, N, 20, 8000), opts([number('hzMin', 20, false), positive('hzMax', 8000, false), bool('clip', false)], false)], 'gu');
pair('core.powerToDb', (r) => [pos('p', r, N, 0, 10), opts([number('refDb', 0), positive('rangeDb', 80)])], 'gdb');
pair('core.amplitudeToDb', (r) => [sig('a', r, N), opts([number('refDb', 0), positive('rangeDb', 80)])], 'gdb');
pair('core.dbToPower', (r) => [sig('db', r, N, 60)], 'gp');
pair('core.dbToAmplitude', (r) => [sig('db', r, N, 60)], 'ga');
for (const k of ['add', 'sub', 'mul']) pair(`core.${k}`, (r) => [sig('a', r, N), sig('b', r, N)]);
pair('core.scale', (r) => [sig('x', r, N), number('s', 1.5)]);
pair('core.sumAll', (r) => [sig('x', r, N)]);
pair('core.mean', (r) => [sig('x', r, N)]);
pair('core.cumsum', (r) => [fr('x', r, 8, 3)]);
pair('core.reverseCumsum', (r) => [fr('x', r, 8, 3)]);
pair('core.diff', (r) => [sig('x', r, N)]);
pair('core.centerCrop', (r) => [sig('x', r, N), size('frameSize', 8)]);
add('core.pad', (r) => [fr('x', r, 8, 2), count('before', 2), count('after', 3), opts([number('value', 0)])]);
add('core.padVjp', (r) => [fr('gy', r, 13, 2), fr('x', r, 8, 2), count('before', 2), count('after', 3)]);
add('core.crop', (r) => [fr('x', r, 8, 2), count('before', 2), count('after', 3)]);
add('core.cropVjp', (r) => [fr('gy', r, 3, 2), fr('x', r, 8, 2), count('before', 2), count('after', 3)]);
pair('core.resample', (r) => [fr('x', r, 5, 2), size('nOut', 20), opts([choice('method', 'linear'), bool('addEndpoint', true)])]);
pair('core.upsampleWithWindows', (r) => [fr('x', r, 5, 2), size('nOut', 20), opts([bool('addEndpoint', true)])]);

// ---- spectral ----------------------------------------------------------------------------
const stftKeys = () => [size('frameSize', 64), number('overlap', 0.75), size('hop', 16), size('fftSize', 64), bool('padEnd', true), bool('center', false), choice('window', 'hann')];
const audio = (r: Rng, n = 256) => sig('x', r, n);
pair('spectral.stft', (r) => [audio(r), opts(stftKeys())]);
pair('spectral.magnitudeSpectrogram', (r) => [audio(r), opts(stftKeys())]);
pair('spectral.powerSpectrogram', (r) => [audio(r), opts(stftKeys())]);
pair('spectral.logMagnitudeSpectrogram', (r) => [audio(r), opts([...stftKeys(), positive('eps', 1e-5)])]);
add('spectral.stftGeometry', () => [fixed('fn', 'myOp'), count('N', 256), opts(stftKeys())], { name: 'myOp' });
add('spectral.rfft', (r) => [sig('x', r, 16), size('n', 32, true)]);
add('spectral.rfftVjp', (r) => [fixed('g', { re: sig('re', r, 17).value, im: sig('im', r, 17).value }), sig('x', r, 16), size('n', 32, true)]);
add('spectral.irfft', (r) => [fixed('X', { re: sig('re', r, 17).value, im: sig('im', r, 17).value })]);
add('spectral.irfftVjp', (r) => [sig('g', r, 32), fixed('X', { re: sig('re', r, 17).value, im: sig('im', r, 17).value })]);
templates['spectral.rfftInto'] = skip('a low-level FFT kernel writing into a caller-owned buffer, wrapped by rfft (fuzzed)');
templates['spectral.irfftInto'] = skip('a low-level FFT kernel writing into a caller-owned buffer, wrapped by irfft (fuzzed)');
add('spectral.isPowerOfTwo', () => [fixed('n', 64)], { total: true });
add('spectral.nextPowerOfTwo', () => [number('n', 100)]);
add('spectral.hannWindow', () => [size('n', 16), opts([bool('periodic', true)])]);
add('spectral.frameCount', () => [fixed('fn', 'myOp'), count('N', 100), size('frameSize', 16), size('hop', 8), opts([bool('padEnd', false), count('padLeft', 0)])], { name: 'myOp' });
pair('spectral.frame', (r) => [sig('x', r, 64), size('frameSize', 16), size('hop', 8), opts([bool('padEnd', true), count('padLeft', 4)])], 'g');
pair('spectral.overlapAdd', (r) => [fr('frames', r, 7, 16), size('hop', 8), opts([count('length', 60), count('padLeft', 2)])], 'g');
add('spectral.melWeightMatrix', () => [size('nMels', 8), size('bins', 33), positive('sampleRate', 16000), number('loHz', 0), number('hiHz', 8000)]);
const melM = () => ddsp.spectral.melWeightMatrix(8, 33, 16000, 0, 8000);
add('spectral.applyMel', (r) => [fr('spec', r, 5, 33, 0, 1), fixed('M', melM())]);
add('spectral.applyMelVjp', (r) => [fr('g', r, 5, 8), fixed('M', melM())]);
add('spectral.hzToMelHtk', () => [number('hz', 440)], { total: true });
add('spectral.aWeightingDb', () => [number('f', 1000), number('minDb', -80, true)], { total: true });
const melKeys = () => [...stftKeys(), positive('sampleRate', 16000), size('nMels', 8), number('loHz', 0), number('hiHz', 8000)];
pair('spectral.melSpectrogram', (r) => [audio(r), opts(melKeys())], 'g');
pair('spectral.logMelSpectrogram', (r) => [audio(r), opts([...melKeys(), positive('eps', 1e-5)])], 'g');
pair('spectral.mfcc', (r) => [audio(r), opts([...melKeys(), positive('eps', 1e-5), size('nMfcc', 5)])], 'g');
pair('spectral.dctII', (r) => [fr('x', r, 4, 8), size('nOut', 5)], 'g', {});
templates['spectral.dctIIVjp'] = { args: (r) => [fr('g', r, 4, 5), fr('x', r, 4, 8)] };
pair('spectral.loudness', (r) => [audio(r, 512), opts([positive('sampleRate', 16000), positive('frameRate', 250), size('nFft', 128), positive('rangeDb', 80), number('refDb', 0), choice('convention', 'v3')])]);
const rmsKeys = () => [positive('sampleRate', 16000), positive('frameRate', 250), size('frameSize', 128), choice('padding', 'center')];
pair('spectral.rmsEnergy', (r) => [audio(r, 512), opts(rmsKeys())]);
pair('spectral.powerDb', (r) => [audio(r, 512), opts([...rmsKeys(), number('refDb', 0), positive('rangeDb', 80)])]);
const pitchFrameKeys = () => [positive('sampleRate', 16000), positive('fMin', 100), positive('fMax', 2000), size('frameLength', 401), size('winLength', 200), bool('center', true), choice('padMode', 'zero')];
add('spectral.yin', (r) => [audio(r, 1024), opts([...pitchFrameKeys(), positive('frameRate', 250), positive('threshold', 0.15)])]);
add('spectral.pyin', (r) => [audio(r, 1024), opts([
  ...pitchFrameKeys(), positive('frameRate', 250), size('nThresholds', 50), fixed('betaParameters', [2, 18]), positive('boltzmannParameter', 2),
  positive('resolution', 0.1), positive('maxTransitionRate', 35.92), number('switchProb', 0.01), number('noTroughProb', 0.01), choice('fill', 'nearest'),
])]);
pair('spectral.resampleAudio', (r) => [audio(r, 300), size('fromRate', 22050), size('toRate', 16000), opts([size('zeros', 8), positive('beta', 6), number('rolloff', 0.9)])]);
add('spectral.firLayout', () => [size('nBands', 33), int('windowSize', 17, true)]);
pair('spectral.frequencyImpulseResponse', (r) => [fr('magnitudes', r, 4, 33, 0, 1), opts([int('windowSize', 17)])], 'gIr');
add('spectral.checkBlocks', () => [fixed('fn', 'myOp'), size('N', 64), size('F', 4)], { name: 'myOp' });
pair('spectral.fftConvolve', (r) => [sig('audio', r, 64), fr('ir', r, 4, 9), opts([choice('padding', 'same'), int('delayCompensation', -1)])]);
// The VJPs take one more option, the gradients to compute.
withVjpKey('spectral.fftConvolveVjp', choice('wrt', 'ir'));
add('spectral.fftConvolveStream', (r) => [sig('audio', r, 64), fr('ir', r, 4, 9), { ...fixedSig('tail', new Float64Array(8)), optional: true }]);
pair('spectral.frequencyFilter', (r) => [sig('audio', r, 64), fr('magnitudes', r, 4, 17, 0, 1), opts([int('windowSize', 9), choice('padding', 'same'), count('delayCompensation', 3)])]);
withVjpKey('spectral.frequencyFilterVjp', choice('wrt', 'magnitudes'));

// ---- synths ------------------------------------------------------------------------------
const up = () => [size('nSamples', 64, false), positive('sampleRate', 16000), choice('ampResample', 'window'), bool('addEndpoint', true)];
pair('synths.oscillatorBank', (r) => [fr('frequencies', r, 64, 3, 100, 4000), fr('amplitudes', r, 64, 3, 0, 1), opts([positive('sampleRate', 16000), fixedSig('initialPhase', Float64Array.of(0, 1, 2))])], 'gAudio', {
  call: (f, v) => f(...v),
});
// oscillatorBankVjp takes the audio cotangent (the output is { audio, phase }).
templates['synths.oscillatorBankVjp'] = { args: (r) => [sig('gAudio', r, 64), fr('frequencies', r, 64, 3, 100, 4000), fr('amplitudes', r, 64, 3, 0, 1), opts([positive('sampleRate', 16000)])] };
pair('synths.normalizeHarmonics', (r) => [fr('distribution', r, 4, 6, 0, 1), pos('f0Hz', r, 4, 100, 2000), opts([positive('sampleRate', 16000)])]);
add('synths.harmonicSynth', (r) => [pos('amplitude', r, 4, 0, 1), fr('distribution', r, 4, 5, 0, 1), pos('f0Hz', r, 4, 100, 1000), opts([...up(), number('initialPhase', 0.5)], false)]);
add('synths.harmonicSynthVjp', (r) => [sig('gAudio', r, 64), pos('amplitude', r, 4, 0, 1), fr('distribution', r, 4, 5, 0, 1), pos('f0Hz', r, 4, 100, 1000), opts([...up(), number('initialPhase', 0.5)], false)]);
add('synths.uniformNoise', () => [count('n', 16), int('state', 7, true)]);
pair('synths.filteredNoise', (r) => [fr('magnitudes', r, 4, 17, 0, 1), opts([size('nSamples', 64, false), int('windowSize', 9), int('seed', 3), count('delayCompensation', 4)], false)]);
add('synths.filteredNoiseStream', (r) => [fr('magnitudes', r, 4, 17, 0, 1), opts([size('nSamples', 64, false), int('windowSize', 9)], false), record('state', { rng: 3 })]);
pair('synths.wavetableSynth', (r) => [pos('amplitude', r, 4, 0, 1), fr('wavetables', r, 4, 16), pos('f0Hz', r, 4, 100, 1000), opts([...up(), number('initialPhase', 0.25)], false)], 'gAudio');
templates['synths.wavetableSynthVjp'] = { args: (r) => [sig('gAudio', r, 64), pos('amplitude', r, 4, 0, 1), fr('wavetables', r, 4, 16), pos('f0Hz', r, 4, 100, 1000), opts([...up(), number('initialPhase', 0.25)], false)] };
add('synths.sinusoidalSynth', (r) => [fr('amplitudes', r, 4, 3, 0, 1), fr('frequencies', r, 4, 3, 100, 4000), opts([...up(), fixedSig('initialPhase', Float64Array.of(0, 1, 2))], false)]);
add('synths.sinusoidalSynthVjp', (r) => [sig('gAudio', r, 64), fr('amplitudes', r, 4, 3, 0, 1), fr('frequencies', r, 4, 3, 100, 4000), opts([...up()], false)]);
add('synths.harmonicToSinusoidal', (r) => [pos('amplitude', r, 4, 0, 1), fr('distribution', r, 4, 5, 0, 1), pos('f0Hz', r, 4, 100, 2000), opts([positive('sampleRate', 16000)])]);
add('synths.harmonicToSinusoidalVjp', (r) => [fixed('g', { amplitudes: fr('a', r, 4, 5).value, frequencies: fr('f', r, 4, 5).value }), pos('amplitude', r, 4, 0, 1), fr('distribution', r, 4, 5, 0, 1), pos('f0Hz', r, 4, 100, 2000), opts([positive('sampleRate', 16000)])]);

// ---- effects -----------------------------------------------------------------------------
pair('effects.reverb', (r) => [sig('audio', r, 64), sig('ir', r, 16), opts([bool('addDry', true)])]);
pair('effects.expDecayIr', (r) => [pos('gain', r, 1), sig('decay', r, 1), opts([size('irLength', 32), int('seed', 1)])], 'gIr');
pair('effects.filteredNoiseIr', (r) => [fr('magnitudes', r, 4, 17, 0, 1), opts([size('irLength', 64), int('windowSize', 9), int('seed', 1)])], 'gIr');
pair('effects.modDelay', (r) => [sig('audio', r, 64), pos('delay', r, 64, 0.5, 20), pos('gain', r, 64, 0, 1), opts([bool('addDry', true), positive('maxDelay', 40)])]);
add('effects.modDelayPreset', () => [choice('kind', 'chorus', false), count('nSamples', 64), positive('sampleRate', 16000, true)]);
const coefs = (n: number) => ddsp.effects.rbjBiquad('lowpass', new Float64Array(n).fill(1000), new Float64Array(n).fill(0.7), new Float64Array(n), { sampleRate: 16000 });
pair('effects.biquad', (r) => [sig('x', r, 32), record('coefficients', coefs(32))]);
pair('effects.onePole', (r) => [sig('x', r, 32), pos('b', r, 32, 0.1, 0.5), pos('a', r, 32, 0.1, 0.5)]);
add('effects.rbjBiquad', (r) => [choice('type', 'peaking', false), pos('freqHz', r, 8, 100, 4000), pos('q', r, 8, 0.5, 2), sig('gainDb', r, 8, 12), opts([positive('sampleRate', 16000)])]);
add('effects.rbjBiquadVjp', (r) => [record('g', coefs(8)), choice('type', 'peaking', false), pos('freqHz', r, 8, 100, 4000), pos('q', r, 8, 0.5, 2), sig('gainDb', r, 8, 12), opts([positive('sampleRate', 16000)])]);
pair('effects.waveshaper', (r) => [sig('x', r, 32), record('params', { drive: 3, bias: 0.1, gain: 0.5 })]);
pair('effects.compressor', (r) => [sig('x', r, 64), record('params', { threshold: -20, ratio: 4, knee: 6, makeup: 3 }), opts([positive('sampleRate', 16000), positive('attackMs', 5), positive('releaseMs', 50)])]);
pair('effects.firFilter', (r) => [sig('audio', r, 64), fr('magnitudes', r, 4, 17, 0, 1), opts([int('windowSize', 9)])]);
pair('effects.mix', (r) => [sig('a', r, 32), sig('b', r, 32), pos('m', r, 32, 0.05, 0.95)]);
pair('effects.sincFilter', (r) => [sig('audio', r, 64), positive('cutoff', 0.3), opts([size('windowSize', 16), bool('highPass', false)])]);
add('effects.sincImpulseResponse', () => [positive('cutoff', 0.3), opts([size('windowSize', 16), bool('highPass', false)])]);
const bands = (r: Rng) => [{ type: 'peaking', freqHz: pos('f', r, 32, 500, 2000).value, q: pos('q', r, 32, 0.5, 2).value, gainDb: sig('g', r, 32, 6).value }];
pair('effects.parametricEq', (r) => [sig('audio', r, 32), record('bands', bands(r)), opts([positive('sampleRate', 16000)])]);

// ---- realtime ----------------------------------------------------------------------------
add('realtime.harmonicNoiseVoice', () => [opts([positive('sampleRate', 16000), size('hop', 16), size('nHarmonics', 3), size('nBands', 5), int('windowSize', 0),
  choice('ampResample', 'linear'), int('seed', 1), size('capacity', 8), fixedSig('reverbIr', Float64Array.of(0, 0.5, 0.25))].map((k) => ({ ...k, optional: !['sampleRate', 'hop', 'nHarmonics', 'nBands'].includes(k.name) })), false)], {
  call: (f, v) => {
    const voice = f(...v) as { push: (...a: unknown[]) => number; render: (o: Float64Array) => number };
    const K = (v[0] as { nHarmonics: number }).nHarmonics;
    const B = (v[0] as { nBands: number }).nBands;
    voice.push(new Float64Array(3).fill(0.5), new Float64Array(3 * K).fill(1 / K), new Float64Array(3).fill(300), new Float64Array(3 * B).fill(0.1));
    const out = new Float64Array(64);
    voice.render(out);
    return out;
  },
});

// ---- losses ------------------------------------------------------------------------------
pair('losses.meanDifference', (r) => [sig('target', r, N), sig('value', r, N), opts([choice('lossType', 'L2'), fixedSig('weights', new Float64Array(N).fill(0.5))])], 'g');
const slKeys = () => [fixed('fftSizes', [64, 32]), choice('lossType', 'L1'), number('magWeight', 1), number('logmagWeight', 1), number('deltaTimeWeight', 0.5),
  number('deltaFreqWeight', 0.5), number('cumsumFreqWeight', 0.1), number('loudnessWeight', 0), number('convergenceWeight', 0.1), number('logMelWeight', 0),
  number('overlap', 0.75), positive('sampleRate', 16000), size('nMels', 8), choice('logForm', 'offset'), positive('logEps', 1e-5), choice('framing', 'valid')];
pair('losses.spectralLoss', (r) => [sig('target', r, 256), sig('value', r, 256), opts(slKeys())], 'g');
add('losses.spectralLossValueAndGrad', (r) => [sig('target', r, 256), sig('value', r, 256), opts(slKeys())]);
add('node.lossPool', () => [opts([size('threads', 2), record('execArgv', [])])], {
  call: async (f, v) => {
    const pool = f(...v) as { close: () => Promise<void> };
    try {
      return ddsp.losses.spectralLoss(Float64Array.from({ length: 256 }, (_, i) => Math.sin(i / 3)), new Float64Array(256).fill(0.1), { fftSizes: [64, 32] }, pool as never);
    } finally {
      await pool.close();
    }
  },
});
add('losses.makeSpectralLoss', (r) => [sig('target', r, 256), opts(slKeys())], {
  call: (f, v) => (f(...v) as { valueAndGrad: (x: Float64Array) => unknown }).valueAndGrad(v[0] as Float64Array),
});

// ---- io ----------------------------------------------------------------------------------
const wavBytes = () => ddsp.io.encodeWav(Float64Array.of(0.1, -0.2, 0.3, 0), 16000, { format: 'pcm16' });
add('io.decodeWav', () => [fixed('bytes', wavBytes()), ], {});
templates['io.decodeWav'].args = () => [{ name: 'bytes', kind: 'record', value: wavBytes() }];
add('io.encodeWav', (r) => [sig('channels', r, 16), size('sampleRate', 16000), opts([choice('format', 'pcm16')])]);
const makeBuffer = (init: { length: number; numberOfChannels: number; sampleRate: number }) => new FakeAudioBuffer(init);
add('io.toAudioBuffer', (r) => [sig('channels', r, 16), positive('sampleRate', 16000), opts([fn('create', makeBuffer)], false)], {
  call: (f, v) => {
    const b = f(...v) as FakeAudioBuffer;
    return Float64Array.from(b.getChannelData(0));
  },
});
add('io.fromAudioBuffer', () => [record('buffer', Object.assign(makeBuffer({ length: 8, numberOfChannels: 2, sampleRate: 8000 })))], {
  call: (f, v) => (f(...v) as { channels: Float64Array[] }).channels[0],
});
add('io.toMono', (r) => [fixed('channels', [sig('a', r, 8).value, sig('b', r, 8).value])]);
add('node.readWav', () => [str('path', '/nonexistent/ddsp-fuzz.wav')], { call: async (f, v) => { try { return await f(...v); } catch (e) { if ((e as Error).message.includes('cannot read')) return null; throw e; } } });
add('node.writeWav', (r) => [fixed('path', `${process.env.TMPDIR ?? '/tmp'}/ddsp-fuzz/out.wav`), sig('channels', r, 16), size('sampleRate', 16000), opts([choice('format', 'float32')])]);
add('io.encodePng', () => [record('rgb', new Uint8Array(2 * 3 * 3).fill(100)), size('width', 2), size('height', 3)]);
add('io.decodeAudio', () => [record('bytes', new Uint8Array(readFileSyncFn(new URL('../../test/fixtures/audio/flute-a4.ogg', import.meta.url))))]);
add('io.sniffAudio', () => [record('bytes', new TextEncoder().encode('fLaC....'))], { total: true });
add('io.spectrogramFigure', (r) => [fixed('panels', [{ title: 'a', audio: sig('a', r, 600).value }]), opts([positive('sampleRate', 16000), size('frameSize', 64), size('hop', 32), positive('rangeDb', 80),
  positive('maxHz', 4000), size('width', 300), size('panelHeight', 60), str('title', 't')])]);
add('io.linePlotSvg', (r) => [fixed('series', [{ name: 'a', y: sig('y', r, 20).value }]), opts([str('title', 't'), str('xLabel', 'x'), str('yLabel', 'y'), bool('yLog', false), size('width', 300), size('height', 200)])]);
add('node.svgToPng', () => [str('svg', '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="red"/></svg>'), opts([positive('scale', 1)])]);

// ---- train -------------------------------------------------------------------------------
const grads = (r: Rng) => ({ w: sig('w', r, 4).value as Float64Array });
const runOpt = (f: F, v: unknown[]) => {
  const t = f(...v) as { init: (p: unknown) => unknown; update: (g: unknown, s: unknown, p: unknown) => [unknown, unknown] };
  const p = { w: Float64Array.of(1, 2, 3, 4) };
  return t.update({ w: Float64Array.of(0.1, -0.2, 0.3, 0.5) }, t.init(p), p)[0];
};
add('train.adam', () => [opts([positive('learningRate', 0.01), number('b1', 0.9), number('b2', 0.999), positive('eps', 1e-7)])], { call: runOpt });
add('train.sgd', () => [opts([positive('learningRate', 0.01, false), number('momentum', 0.5), bool('nesterov', false)], false)], { call: runOpt });
add('train.clipByGlobalNorm', () => [positive('maxNorm', 1)], { call: runOpt });
add('train.compose', () => [fixed('argument 0', ddsp.train.sgd({ learningRate: 0.1 })), record('argument 1', ddsp.train.adam())], { call: runOpt });
add('train.ddspOptimizer', () => [opts([positive('learningRate', 3e-4), int('decaySteps', 100), positive('decayRate', 0.98), positive('clipNorm', 3)])], { call: runOpt });
add('train.applyUpdates', (r) => [record('params', grads(r)), record('updates', grads(r))]);
add('train.globalNorm', (r) => [record('t', grads(r))]);
add('train.constantSchedule', () => [positive('rate', 0.1)], { call: (f, v) => (f(...v) as (s: number) => number)(3) });
add('train.exponentialDecay', () => [opts([positive('initial', 0.1, false), int('decaySteps', 10, false), positive('decayRate', 0.5, false), bool('staircase', false)], false)], {
  call: (f, v) => (f(...v) as (s: number) => number)(20),
});
const vg = (p: { w: Float64Array }) => ({ value: p.w.reduce((s, v) => s + v * v, 0), grad: { w: p.w.map((v) => 2 * v) } });
add('train.fit', () => [opts([fn('valueAndGrad', vg), record('params', { w: Float64Array.of(1, -1) }), record('optimizer', ddsp.train.sgd({ learningRate: 0.1 })), size('steps', 5), fn('onProgress', () => undefined), int('logEvery', 2)].map((k) => ({ ...k, optional: !['valueAndGrad', 'params', 'optimizer', 'steps'].includes(k.name) })), false)]);
add('train.fitAsync', () => [opts([fn('valueAndGrad', vg), record('params', { w: Float64Array.of(1, -1) }), record('optimizer', ddsp.train.sgd({ learningRate: 0.1 })), size('steps', 5), fn('onProgress', () => undefined), int('logEvery', 2),
  record('signal', new AbortController().signal), positive('yieldMs', 16)].map((k) => ({ ...k, optional: !['valueAndGrad', 'params', 'optimizer', 'steps'].includes(k.name) })), false)]);
add('train.logProgress', () => [{ ...fn('write', () => undefined), optional: true }], { call: (f, v) => (f(...v) as (p: unknown) => void)({ step: 1, steps: 2, loss: 0.5, stepsPerSecond: 10 }) });

// ---- gradient checking and rng ----------------------------------------------------------
const sp = (x: Float64Array) => ddsp.core.softplus(x);
const spV = (g: Float64Array, x: Float64Array) => ddsp.core.softplusVjp(g, x);
const checkKeys = () => [size('directions', 2), int('seed', 1), positive('eps', 1e-6), positive('rtol', 1e-5), positive('atol', 1e-8), choice('order', 2 as unknown as string)];
add('checkVjp', (r) => [fn('f', sp), fn('vjp', spV), sig('x', r, 8), optsMin(checkKeys())]);
add('checkNodeVjp', (r) => [record('node', ddsp.nodes.softplus()), sig('x', r, 8), record('params', {}), optsMin(checkKeys())]);
add('checkAdjoint', (r) => [fn('forward', ddsp.core.cumsum), fn('adjoint', ddsp.core.reverseCumsum), sig('x', r, 8), opts([size('directions', 2), int('seed', 1), positive('rtol', 1e-12), number('atol', 0)])]);
add('rng', () => [int('seed', 42)], { call: (f, v) => (f(...v) as { uniform: () => number }).uniform() });

// ---- graph: combinators and nodes -------------------------------------------------------
/** A cotangent shaped like `y` with values in [−1, 1]. */
function unitLike(y: unknown): unknown {
  if (y instanceof Float64Array) return y.map((_, i) => Math.sin(i + 1));
  if (typeof y === 'object' && y !== null && 'shape' in y && 'data' in y) {
    const f = y as { shape: number[]; data: Float64Array };
    return ndarray(f.data.map((_, i) => Math.sin(i + 1)), f.shape.slice());
  }
  if (Array.isArray(y)) return y.map(unitLike);
  if (typeof y === 'object' && y !== null) return Object.fromEntries(Object.entries(y).map(([k, v]) => [k, unitLike(v)]));
  return y;
}

/** Build the node from the factory arguments, then run forward, vjp and the pullback on `input`. */
function runNode(nFactoryArgs: number) {
  return (f: F, v: unknown[]) => {
    const node = f(...v.slice(0, nFactoryArgs)) as Node;
    const [x, params] = [v[nFactoryArgs], v[nFactoryArgs + 1] ?? {}];
    const y = node.forward(x as never, params as never);
    const [y2, back] = node.vjp(x as never, params as never);
    return [y, y2, back(unitLike(y2) as never)];
  };
}
const nodeT = (factory: (r: Rng) => Arg[], input: (r: Rng) => Arg, params?: (r: Rng) => Arg, name?: string): Template => {
  const t: Template = {
    args: (r) => {
      const a = factory(r);
      return [...a, input(r), ...(params ? [params(r)] : [])];
    },
    call: (f, v) => runNode(v.length - 1 - (params ? 1 : 0))(f, v),
    dataArgs: ['x', 'params'],
  };
  if (name) t.name = name;
  return t;
};
const x32 = (r: Rng) => sig('x', r, N);
templates['nodes.expSigmoid'] = nodeT(() => [opts([positive('exponent', 10), number('maxValue', 2), number('threshold', 1e-7)])], x32, undefined, 'expSigmoid');
templates['nodes.symExpSigmoid'] = nodeT(() => [opts([number('width', 8)])], x32, undefined, 'symExpSigmoid');
templates['nodes.softplus'] = nodeT(() => [], x32, undefined, 'softplus');
templates['nodes.softLimit'] = nodeT(() => [opts([number('xMin', 0), number('xMax', 1)])], x32, undefined, 'softLimit');
templates['nodes.logScale'] = nodeT(() => [opts([positive('minX', 1, false), positive('maxX', 100, false)], false)], x32, undefined, 'logScale');
templates['nodes.safeLog'] = nodeT(() => [opts([positive('eps', 1e-5)])], x32, undefined, 'safeLog');
templates['nodes.safeDivide'] = nodeT(() => [opts([positive('eps', 1e-7)])], (r) => fixed('x', [sig('n', r, 8).value, pos('d', r, 8).value]), undefined, 'safeDivide');
templates['nodes.midiToHz'] = nodeT(() => [opts([bool('midiZeroSilence', false)])], x32, undefined, 'midiToHz');
templates['nodes.hzToMidi'] = nodeT(() => [], (r) => pos('f', r, 8, 20, 4000), undefined, 'hzToMidi');
templates['nodes.unitToMidi'] = nodeT(() => [opts([number('midiMin', 20), number('midiMax', 90), bool('clip', false)])], x32, undefined, 'unitToMidi');
templates['nodes.midiToUnit'] = nodeT(() => [opts([number('midiMin', 20), number('midiMax', 90), bool('clip', false)])], x32, undefined, 'midiToUnit');
templates['nodes.unitToHz'] = nodeT(() => [opts([number('hzMin', 20, false), positive('hzMax', 8000, false), bool('clip', false)], false)], x32, undefined, 'unitToHz');
templates['nodes.hzToUnit'] = nodeT(() => [opts([number('hzMin', 20, false), positive('hzMax', 8000, false), bool('clip', false)], false)], (r) => pos('f', r, 8, 20, 4000), undefined, 'hzToUnit');
templates['nodes.powerToDb'] = nodeT(() => [opts([number('refDb', 0), positive('rangeDb', 80)])], (r) => pos('p', r, 8, 0, 4), undefined, 'powerToDb');
templates['nodes.amplitudeToDb'] = nodeT(() => [opts([number('refDb', 0), positive('rangeDb', 80)])], x32, undefined, 'amplitudeToDb');
templates['nodes.dbToPower'] = nodeT(() => [], x32, undefined, 'dbToPower');
templates['nodes.dbToAmplitude'] = nodeT(() => [], x32, undefined, 'dbToAmplitude');
for (const k of ['add', 'sub', 'mul']) templates[`nodes.${k}`] = nodeT(() => [], (r) => fixed('x', [sig('a', r, 8).value, sig('b', r, 8).value]), undefined, k);
templates['nodes.scale'] = nodeT(() => [number('s', 2)], x32, undefined, 'scale');
for (const k of ['sumAll', 'mean', 'cumsum', 'reverseCumsum', 'diff']) templates[`nodes.${k}`] = nodeT(() => [], x32, undefined, k);
templates['nodes.resample'] = nodeT(() => [size('nOut', 64), opts([choice('method', 'linear'), bool('addEndpoint', true)])], x32, undefined, 'resample');
templates['nodes.upsampleWithWindows'] = nodeT(() => [size('nOut', 64), opts([bool('addEndpoint', true)])], x32, undefined, 'upsampleWithWindows');
templates['nodes.pad'] = nodeT(() => [count('before', 2), count('after', 1), opts([number('value', 0)])], x32, undefined, 'pad');
templates['nodes.crop'] = nodeT(() => [count('before', 2), count('after', 1)], x32, undefined, 'crop');

const hRaw = (r: Rng) => fixed('x', { amplitudes: sig('a', r, 4).value, harmonicDistribution: fr('d', r, 4, 5).value, f0Hz: pos('f', r, 4, 100, 1000).value });
templates.harmonic = nodeT(() => [opts([...up(), number('initialPhase', 0), choice('scaleFn', 'expSigmoid'), bool('normalizeBelowNyquist', true)], false)], hRaw);
templates.harmonicControls = nodeT(() => [opts([...up(), choice('scaleFn', 'expSigmoid'), bool('normalizeBelowNyquist', true)])], hRaw);
templates.harmonicSignal = nodeT(() => [opts([...up(), number('initialPhase', 0)], false)],
  (r) => fixed('x', { amplitude: pos('a', r, 4, 0, 1).value, distribution: fr('d', r, 4, 5, 0, 1).value, f0Hz: pos('f', r, 4, 100, 1000).value }));
const noiseKeys = () => [size('nSamples', 64, false), int('windowSize', 9), int('seed', 1), count('delayCompensation', 4)];
templates.filteredNoise = nodeT(() => [opts([...noiseKeys(), choice('scaleFn', 'expSigmoid'), number('initialBias', -5)], false)], (r) => fr('x', r, 4, 17));
templates.filteredNoiseControls = nodeT(() => [opts([...noiseKeys(), choice('scaleFn', 'expSigmoid'), number('initialBias', -5)])], (r) => fr('x', r, 4, 17));
templates.filteredNoiseSignal = nodeT(() => [opts(noiseKeys(), false)], (r) => fr('x', r, 4, 17, 0, 1));
templates.wavetable = nodeT(() => [opts([...up(), number('initialPhase', 0), choice('scaleFn', 'expSigmoid'), bool('scaleWavetables', true)], false)],
  (r) => fixed('x', { amplitudes: sig('a', r, 4).value, wavetables: fr('t', r, 4, 16).value, f0Hz: pos('f', r, 4, 100, 1000).value }));
templates.sinusoidal = nodeT(() => [opts([...up(), choice('scaleFn', 'expSigmoid'), choice('frequencyScale', 'sigmoid'), number('hzMin', 0), number('hzMax', 8000)], false)],
  (r) => fixed('x', { amplitudes: fr('a', r, 4, 3).value, frequencies: fr('f', r, 4, 3).value }));
templates.meanDifferenceLoss = nodeT(() => [opts([choice('lossType', 'L1')])], (r) => fixed('x', [sig('t', r, 16).value, sig('v', r, 16).value]));
templates.spectralLossNode = nodeT(() => [opts(slKeys())], (r) => fixed('x', [sig('t', r, 256).value, sig('v', r, 256).value]));
templates.reverb = nodeT(() => [opts([bool('addDry', true)])], (r) => sig('x', r, 64), (r) => fixed('params', { ir: sig('ir', r, 16).value }));
templates.expDecayReverb = nodeT(() => [opts([size('irLength', 16), int('seed', 1), bool('addDry', true)])], (r) => sig('x', r, 64),
  (r) => fixed('params', { gain: sig('g', r, 1).value, decay: sig('d', r, 1).value }));
templates.filteredNoiseReverb = nodeT(() => [opts([size('irLength', 64), int('windowSize', 9), int('seed', 1), bool('addDry', true), number('initialBias', -3)])],
  (r) => sig('x', r, 64), (r) => fixed('params', { magnitudes: fr('m', r, 4, 17).value }));
templates.firFilter = nodeT(() => [opts([int('windowSize', 9)])], (r) => fixed('x', { audio: sig('a', r, 64).value, magnitudes: fr('m', r, 4, 17).value }));
templates.modDelay = nodeT(() => [opts([bool('addDry', true), positive('maxDelay', 40)])],
  (r) => fixed('x', { audio: sig('a', r, 64).value, delay: pos('d', r, 64, 0.5, 20).value, gain: sig('g', r, 64).value }));
templates.sincFilter = nodeT(() => [positive('cutoff', 0.3), opts([size('windowSize', 16), bool('highPass', false)])], (r) => sig('x', r, 64));
templates.mix = nodeT(() => [], (r) => fixed('x', { a: sig('a', r, 16).value, b: sig('b', r, 16).value, m: pos('m', r, 16, 0.1, 0.9).value }));

const sq = () => ddsp.nodes.softplus();
templates.identity = nodeT(() => [], x32);
templates.param = nodeT(() => [str('key', 'w')], x32, (r) => fixed('params', { w: sig('w', r, 4).value }));
templates.lift = nodeT(() => [str('name', 'sp'), fn('f', sp), fn('fVjp', spV)], x32);
templates.lift2 = nodeT(() => [str('name', 'm2'), fn('f', ddsp.core.mul), fn('fVjp', ddsp.core.mulVjp)], (r) => fixed('x', [sig('a', r, 4).value, sig('b', r, 4).value]));
templates.primitive = nodeT(() => [record('spec', { name: 'p', forward: sp, vjp: (x: Float64Array) => [sp(x), (g: Float64Array) => spV(g, x)] })], x32);
templates.seq = nodeT(() => [record('argument 0', sq()), record('argument 1', sq())], x32);
templates.chain = nodeT(() => [record('argument 0', sq()), record('argument 1', sq())], x32);
templates.fanout = nodeT(() => [record('spec', { a: sq(), b: sq() })], x32);
templates.par = nodeT(() => [record('spec', [sq(), sq()])], (r) => fixed('x', [sig('a', r, 4).value, sig('b', r, 4).value]));
templates.sum = nodeT(() => [], (r) => fixed('x', [sig('a', r, 4).value, sig('b', r, 4).value]));
templates.pick = nodeT(() => [str('path', 'a/b')], (r) => fixed('x', { a: { b: sig('b', r, 4).value } }));
templates.named = nodeT(() => [str('name', 'rv'), record('node', ddsp.reverb())], (r) => sig('x', r, 32), (r) => fixed('params', { rv: { ir: sig('ir', r, 8).value } }));
templates.batch = nodeT(() => [record('node', sq())], (r) => fixed('x', [sig('a', r, 4).value, sig('b', r, 4).value]));
templates.stopGradient = nodeT(() => [{ ...record('node', sq()), optional: true }], x32);
templates.valueAndGrad = {
  args: (r) => [record('loss', ddsp.seq(ddsp.nodes.softplus(), ddsp.nodes.sumAll())), sig('x', r, 8)],
  call: (f, v) => (f(v[0]) as (x: unknown, p: unknown) => unknown)(v[1], {}),
};

templates.vjp = {
  args: (r) => [record('node', ddsp.seq(ddsp.nodes.softplus(), ddsp.nodes.cumsum())), sig('x', r, 8), { ...record('params', {}), optional: true }],
  call: (f, v) => {
    const [y, back] = f(...v) as [Float64Array, (g: Float64Array) => [Float64Array, unknown]];
    return back(y.map(() => 1))[0];
  },
};

for (const k of ['identity', 'param', 'lift', 'lift2', 'primitive', 'seq', 'chain', 'fanout', 'par', 'named', 'batch', 'stopGradient']) templates[k].anyName = true;
templates.vjp.anyName = true;
templates.vjp.dataArgs = ['x'];
templates.valueAndGrad.anyName = true;
templates.valueAndGrad.dataArgs = ['x'];
templates.checkNodeVjp.anyName = true;
templates.checkNodeVjp.dataArgs = ['x'];
add('core.finiteQuotient', () => [number('a', 1), number('b', 2)], { total: true });

// ---- the `ddsp/testing` subpath ---------------------------------------------------------
/** Build the arbitrary and draw from it (seeded). */
const draw = (f: F, v: unknown[]) => fc.sample(f(...v) as fc.Arbitrary<unknown>, { numRuns: 3, seed: 1 });
const lengths = (lo: string, hi: string, a: number, b: number) => [count(lo, a), count(hi, b)];
add('testing.signal', () => [opts([...lengths('minLength', 'maxLength', 1, 16), positive('amplitude', 1)])], { call: draw });
add('testing.signalOfLength', () => [count('length', 8), positive('amplitude', 1, true)], { call: draw });
add('testing.frequenciesBelowNyquist', () => [opts([positive('sampleRate', 16000), ...lengths('minLength', 'maxLength', 1, 8), number('minHz', 20), positive('maxFractionOfNyquist', 0.9)])], { call: draw });
add('testing.positiveAmplitudes', () => [opts([...lengths('minLength', 'maxLength', 1, 8), positive('min', 0.001), positive('max', 1)])], { call: draw });
add('testing.frameCounts', () => [opts(lengths('min', 'max', 1, 100))], { call: draw });
add('testing.sampleRates', () => [], { call: draw });
add('testing.fftSizes', () => [opts([size('min', 32), size('max', 4096)])], { call: draw });
add('testing.controls', () => [opts([...lengths('minFrames', 'maxFrames', 1, 8), size('channels', 2), positive('amplitude', 1)])], { call: draw });
add('testing.rng', () => [int('seed', 42)], { call: (f, v) => (f(...v) as { uniform: () => number }).uniform() });
add('testing.normalArray', () => [fixed('r', ddsp.rng(1)), count('n', 8)]);
templates['testing.normalArray'].args = () => [record('r', ddsp.rng(1)), count('n', 8)];
templates['testing.checkVjp'] = templates.checkVjp;
templates['testing.checkNodeVjp'] = templates.checkNodeVjp;
templates['testing.checkAdjoint'] = templates.checkAdjoint;

// ---- effect nodes with parameters, and processor graphs -----------------------------------
templates.waveshaper = nodeT(() => [], (r) => sig('x', r, 32), () => fixed('params', { drive: Float64Array.of(2), bias: Float64Array.of(0.1), gain: Float64Array.of(0.5) }));
templates.compressor = nodeT(() => [opts([positive('sampleRate', 16000), positive('attackMs', 5), positive('releaseMs', 50)])], (r) => sig('x', r, 64),
  () => fixed('params', { threshold: Float64Array.of(-20), ratio: Float64Array.of(4), knee: Float64Array.of(6), makeup: Float64Array.of(0) }));
templates.parametricEq = nodeT(() => [opts([record('bands', [{ type: 'peaking' }]), positive('sampleRate', 16000)], false)], (r) => sig('x', r, 32),
  () => fixed('params', { bands: [{ freqHz: Float64Array.of(1000), q: Float64Array.of(1), gainDb: Float64Array.of(3) }] }));
templates.biquad = nodeT(() => [], (r) => fixed('x', { audio: sig('a', r, 32).value, ...coefs(32) }));

const dagConfig = () => ({
  dag: [
    { processor: { type: 'filteredNoise', name: 'noise', options: { nSamples: 64, windowSize: 9 } }, inputs: ['mags'] },
    { processor: { type: 'scale', name: 'gain', options: { s: 0.5 } }, inputs: ['noise/signal'] },
    { processor: { type: 'add', name: 'add' }, inputs: ['gain/signal', 'audio'] },
    { processor: { type: 'reverb', name: 'reverb', options: { irLength: 8 } }, inputs: ['add/signal'] },
  ],
});
const dagInput = (r: Rng) => fixed('x', { mags: fr('m', r, 4, 17, 0, 1).value, audio: sig('a', r, 64).value });
const dagParams = (r: Rng) => fixed('params', { reverb: { ir: sig('ir', r, 8).value } });
templates.processorGroup = { ...nodeT(() => [record('config', dagConfig()), opts([choice('outputs', 'output')])], dagInput, dagParams), anyName: false };
templates.fromConfig = { ...nodeT(() => [str('json', JSON.stringify(dagConfig())), opts([choice('outputs', 'all')])], dagInput, dagParams), anyName: false };
const ginText = `processors.ProcessorGroup.dag = [(@ddsp.synths.FilteredNoise(), ['mags']), (@ddsp.processors.Add(), ['filtered_noise/signal', 'audio'])]
FilteredNoise.n_samples = 64
FilteredNoise.window_size = 9`;
templates.fromGin = { ...nodeT(() => [str('text', ginText), opts([choice('outputs', 'output'), record('bindings', { n_samples: 64 })])], dagInput), anyName: false };
// Errors raised while a compiled group runs carry the group's name.
for (const k of ['processorGroup', 'fromConfig', 'fromGin']) templates[k].name = k;
add('toConfig', () => [record('node', ddsp.processorGroup(dagConfig() as never))]);
add('initParams', () => [record('node', ddsp.processorGroup(dagConfig() as never)), int('seed', 3, true)]);
add('processorTypes', () => []);
add('processorType', () => [str('type', 'harmonic')]);
add('registerProcessor', () => [record('spec', {
  type: 'fuzzGain', doc: 'x·k', options: { k: { type: 'number', required: true } }, inputs: ['x'], packing: 'single',
  create: (o: Record<string, unknown>) => ddsp.nodes.scale(o.k as number),
})]);

// ---- nn: layers, initialisers, layer nodes -------------------------------------------------
const t3 = (name: string, r: Rng, b: number, t: number, c: number): Arg => ({ name, kind: 'frames', value: ndarray(sig(name, r, b * t * c).value as Float64Array, [b, t, c]) });
const gruW = (r: Rng, I: number, u: number) => ({ kernel: fr('k', r, I, 3 * u).value, recurrentKernel: fr('u', r, u, 3 * u).value, bias: fr('b', r, 2, 3 * u).value });
add('nn.dense', (r) => [fr('x', r, 6, 3), fr('kernel', r, 3, 4), sig('bias', r, 4)]);
add('nn.denseVjp', (r) => [fr('gy', r, 6, 4), fr('x', r, 6, 3), fr('kernel', r, 3, 4), sig('bias', r, 4)]);
add('nn.layerNorm', (r) => [fr('x', r, 6, 4), sig('gamma', r, 4), sig('beta', r, 4), opts([positive('epsilon', 1e-3)])]);
add('nn.layerNormVjp', (r) => [fr('gy', r, 6, 4), fr('x', r, 6, 4), sig('gamma', r, 4), sig('beta', r, 4), opts([positive('epsilon', 1e-3)])]);
add('nn.leakyRelu', (r) => [fr('x', r, 6, 4), opts([number('alpha', 0.2)])]);
add('nn.leakyReluVjp', (r) => [fr('gy', r, 6, 4), fr('x', r, 6, 4), opts([number('alpha', 0.2)])]);
add('nn.gru', (r) => [fr('x', r, 5, 3), record('weights', gruW(r, 3, 2)), opts([fixed('initialState', fr('h', r, 1, 2).value)])]);
add('nn.gruVjp', (r) => [record('g', { sequence: fr('s', r, 5, 2).value }), fr('x', r, 5, 3), record('weights', gruW(r, 3, 2)), opts([fixed('initialState', fr('h', r, 1, 2).value)])]);
add('nn.gruStep', (r) => [fr('x', r, 2, 3), fr('h', r, 2, 2), record('weights', gruW(r, 3, 2))]);
add('nn.gruStepVjp', (r) => [fr('gh', r, 2, 2), fr('x', r, 2, 3), fr('h', r, 2, 2), record('weights', gruW(r, 3, 2))]);
add('nn.glorotUniform', () => [int('seed', 1), size('fanIn', 4), size('fanOut', 3)]);
add('nn.orthogonal', () => [int('seed', 1), size('rows', 3), size('cols', 6)]);
add('nn.layers.initDense', () => [int('seed', 1), size('inDim', 4), size('units', 3)]);
add('nn.layers.initLayerNorm', () => [size('channels', 4)]);
add('nn.layers.initFc', () => [int('seed', 1), size('inDim', 4), size('ch', 3)]);
add('nn.layers.initFcStack', () => [int('seed', 1), size('inDim', 4), size('ch', 3), size('layers', 2)]);
add('nn.layers.initGru', () => [int('seed', 1), size('inDim', 4), size('units', 3)]);
add('nn.layers.countParams', (r) => [record('params', { a: sig('a', r, 3).value, b: { c: fr('c', r, 2, 2).value } })]);
templates['nn.layers.dense'] = nodeT(() => [], (r) => t3('x', r, 2, 3, 4), (r) => fixed('params', { kernel: fr('k', r, 4, 5).value, bias: sig('b', r, 5).value }));
templates['nn.layers.layerNorm'] = nodeT(() => [opts([positive('epsilon', 1e-3)])], (r) => t3('x', r, 2, 3, 4), (r) => fixed('params', { gamma: sig('g', r, 4).value, beta: sig('b', r, 4).value }));
templates['nn.layers.leakyRelu'] = nodeT(() => [opts([number('alpha', 0.2)])], (r) => t3('x', r, 2, 3, 4));
templates['nn.layers.fc'] = nodeT(() => [], (r) => t3('x', r, 2, 3, 4), () => fixed('params', ddsp.nn.layers.initFc(1, 4, 5)));
templates['nn.layers.fcStack'] = nodeT(() => [size('layers', 2)], (r) => t3('x', r, 2, 3, 4), () => fixed('params', ddsp.nn.layers.initFcStack(1, 4, 5, 2)));
templates['nn.layers.gru'] = nodeT(() => [], (r) => t3('x', r, 2, 3, 4), () => fixed('params', ddsp.nn.layers.initGru(1, 4, 3)));
for (const k of ['nn.layers.fc', 'nn.layers.fcStack']) templates[k].anyName = true;
add('nn.concat', (r) => [record('xs', [fr('a', r, 4, 2).value, fr('b', r, 4, 3).value])]);
add('nn.concatVjp', (r) => [fr('gy', r, 4, 5), record('xs', [fr('a', r, 4, 2).value, fr('b', r, 4, 3).value])]);
add('nn.splitChannels', (r) => [fr('x', r, 4, 5), record('sizes', [2, 3])]);
const tinyDecoder = { rnnChannels: 3, ch: 4, layersPerStack: 1, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: [['amps', 1], ['harmonic_distribution', 3], ['noise_magnitudes', 5]] };
const decOpts = () => opts([size('rnnChannels', 3, false), size('ch', 4, false), count('layersPerStack', 1, false), record('inputKeys', ['ld_scaled', 'f0_scaled']),
  record('outputSplits', tinyDecoder.outputSplits)].map((k) => ({ ...k, optional: false })), false);
templates['nn.rnnFcDecoder'] = nodeT(() => [decOpts()], (r) => fixed('x', { ld_scaled: t3('l', r, 2, 4, 1).value, f0_scaled: t3('f', r, 2, 4, 1).value }),
  () => fixed('params', ddsp.nn.initRnnFcDecoder(tinyDecoder as never, 1)));
templates['nn.rnnFcDecoder'].anyName = true;
add('nn.initRnnFcDecoder', () => [decOpts(), int('seed', 1, true)]);
const tinyPreset = { decoder: tinyDecoder, frameRate: 250, nSamples: 64, sampleRate: 2000, reverbLength: 8, noiseWindowSize: 0, doc: '' };
const aeInput = (r: Rng) => {
  const f0 = ndarray(Float64Array.from({ length: 16 }, (_, i) => 150 + 10 * i), [2, 8, 1]);
  const audio = [sig('a', r, 64).value as Float64Array, sig('b', r, 64).value as Float64Array];
  return fixed('x', { ...ddsp.nn.preprocess(f0, ddsp.nn.loudnessFeature(audio, tinyPreset as never)), f0_hz: f0, audio });
};
templates['nn.autoencoder'] = { ...nodeT(() => [opts([record('preset', tinyPreset), record('loss', { fftSizes: [32, 16] })].map((k) => ({ ...k, optional: k.name === 'loss' })), false)], aeInput,
  () => fixed('params', ddsp.nn.initAutoencoder({ preset: tinyPreset } as never, 1))), anyName: true };
templates['nn.autoencoderSynth'] = { ...nodeT(() => [opts([{ ...record('preset', tinyPreset), optional: false }], false)], aeInput,
  () => fixed('params', ddsp.nn.initAutoencoder({ preset: tinyPreset } as never, 1))), anyName: true };
add('nn.initAutoencoder', () => [opts([{ ...record('preset', tinyPreset), optional: false }], false), int('seed', 1, true)]);
add('nn.preprocess', (r) => [t3('f0Hz', r, 2, 4, 1), t3('loudnessDb', r, 2, 4, 1)]);
add('nn.loudnessFeature', (r) => [record('audio', [sig('a', r, 64).value]), record('preset', tinyPreset)]);
add('nn.framesPerExample', () => [record('preset', tinyPreset)]);

// ---- safetensors, checkpoints, the training loop ------------------------------------------
const tmpRoot = `${process.env.TMPDIR ?? '/tmp'}/ddsp-fuzz-ckpt`;
add('io.encodeSafetensors', (r) => [record('tensors', { a: sig('a', r, 4).value, b: fr('b', r, 2, 3).value }), opts([record('metadata', { k: 'v' }), choice('dtype', 'F64')])]);
add('io.decodeSafetensors', (r) => [record('bytes', ddsp.io.encodeSafetensors({ a: sig('a', r, 4).value }))]);
const smallParams = () => ({ w: Float64Array.of(1, 2) });
add('node.saveCheckpoint', () => [str('dir', `${tmpRoot}/save`), record('data', { step: 3, params: smallParams() }), opts([size('keep', 2)])]);
add('node.loadCheckpoint', () => [str('dir', `${tmpRoot}/empty`), int('step', 3, true)], {
  call: async (f, v) => {
    // A checkpoint of step 3 exists in the folder the valid call reads.
    await nodeApi.saveCheckpoint(`${tmpRoot}/empty`, { step: 3, params: smallParams() });
    return f(...v);
  },
});
add('node.listCheckpoints', () => [str('dir', `${tmpRoot}/list`)]);
const quadratic = (p: { w: Float64Array }) => ({ value: p.w.reduce((s, v) => s + v * v, 0), grad: { w: p.w.map((v) => 2 * v) } });
add('node.trainLoop', () => [opts([fn('valueAndGrad', quadratic), record('params', smallParams()), record('optimizer', ddsp.train.sgd({ learningRate: 0.1 })), size('steps', 4),
  record('checkpoint', { dir: `${tmpRoot}/loop`, every: 2 }), bool('resume', false), fn('onProgress', () => undefined), size('logEvery', 2)]
  .map((k) => ({ ...k, optional: !['valueAndGrad', 'params', 'optimizer', 'steps'].includes(k.name) })), false)]);
const tinyTaskConfig = { preset: tinyPreset, loss: { fftSizes: [32, 16] } };
const tinyExample = () => ({ f0_scaled: new Float64Array(8).fill(0.4), ld_scaled: new Float64Array(8).fill(0.5), f0_hz: new Float64Array(8).fill(200), audio: Float64Array.from({ length: 64 }, (_, i) => Math.sin(i / 5)) });
add('node.trainAutoencoder', () => [opts([record('preset', tinyPreset), fixed('examples', [tinyExample(), tinyExample()]), size('steps', 2), record('loss', { fftSizes: [32, 16] }),
  size('batchSize', 2), count('workers', 0), positive('learningRate', 1e-3), int('seed', 1), size('logEvery', 1), fn('onProgress', () => undefined)]
  .map((k) => ({ ...k, optional: !['preset', 'examples', 'steps', 'loss', 'workers'].includes(k.name) })), false)]);
add('train.autoencoderExamples', (r) => [sig('audio', r, 200), opts([record('preset', tinyPreset), fixed('f0Hz', new Float64Array(25).fill(220)), fixed('loudnessDb', new Float64Array(25).fill(-30)),
  positive('hopSeconds', 0.02)].map((k) => ({ ...k, optional: k.name === 'hopSeconds' })), false)]);
add('train.batchIndices', () => [count('step', 3), size('batchSize', 4), size('n', 10), { ...int('seed', 0), optional: true }]);
add('node.dataParallel', () => [opts([{ ...fixed('module', new URL('../../src/train/autoencoderTask.ts', import.meta.url)), optional: false }, record('config', tinyTaskConfig), count('workers', 0),
  record('execArgv', []), fn('createTask', createTaskFn)], false)], {
  call: async (f, v) => {
    const dp = (await f(...v)) as { valueAndGrad: (p: unknown, e: unknown[]) => Promise<unknown>; close: () => Promise<void> };
    try {
      const ex = { f0_scaled: new Float64Array(8).fill(0.4), ld_scaled: new Float64Array(8).fill(0.5), f0_hz: new Float64Array(8).fill(200), audio: Float64Array.from({ length: 64 }, (_, i) => Math.sin(i / 5)) };
      return await dp.valueAndGrad(ddsp.nn.initAutoencoder({ preset: tinyPreset } as never, 1), [ex]);
    } finally {
      await dp.close();
    }
  },
});
const torchGru = (r: Rng) => ({
  'g.weight_ih_l0': { data: sig('a', r, 6 * 3).value, shape: [6, 3] }, 'g.weight_hh_l0': { data: sig('b', r, 6 * 2).value, shape: [6, 2] },
  'g.bias_ih_l0': { data: sig('c', r, 6).value, shape: [6] }, 'g.bias_hh_l0': { data: sig('d', r, 6).value, shape: [6] },
});
add('nn.gruFromPyTorch', (r) => [record('tensors', torchGru(r)), fixed('prefix', 'g.'), size('inDim', 3), size('units', 2)]);
templates['nn.gruFromPyTorch'].total = false;
add('nn.decoderFromPyTorch', () => [record('tensors', ddsp.io.decodeSafetensors(readFixture()).tensors), record('opts', {
  rnnChannels: 6, ch: 5, layersPerStack: 2, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: [['amps', 1], ['harmonic_distribution', 4], ['noise_magnitudes', 3]],
})]);
function readFixture(): Uint8Array {
  return new Uint8Array(readFileSyncFn(new URL('../../test/fixtures/pytorch/decoder.safetensors', import.meta.url)));
}
add('nn.loudnessL1', (r) => [sig('target', r, 2000), sig('resynth', r, 2000), opts([positive('sampleRate', 16000), positive('frameRate', 250)])]);
add('nn.f0L1Cents', (r) => [sig('target', r, 2000), sig('resynth', r, 2000), opts([positive('sampleRate', 16000), positive('frameRate', 250), positive('fMin', 100), positive('fMax', 2000), positive('confidence', 0.8)])], { total: false });

add('realtime.decoderStepper', () => [record('preset', tinyPreset), record('params', ddsp.nn.initAutoencoder({ preset: tinyPreset } as never, 0))], {
  call: (f, v) => {
    const s = f(...v) as { step: (f0: number, ld: number) => { distribution: Float64Array } };
    return s.step(220, -20).distribution;
  },
});

add('gpu.gpuBackend', () => [opts([choice('mode', 'cpu'), bool('quiet', true)])], {
  call: async (f, v) => {
    const g = (await f(...v)) as { harmonicSynth: (...a: unknown[]) => Promise<Float32Array> };
    return Float64Array.from(await g.harmonicSynth(Float64Array.of(0.5, 0.5), ddsp.frames(Float64Array.of(0.5, 0.5, 0.5, 0.5), 2, 2), Float64Array.of(220, 220), { nSamples: 64 }));
  },
});
