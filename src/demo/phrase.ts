/**
 * `npm run demo`: render a short phrase with DDSP's harmonic-plus-noise model and write it to
 * out/demo.wav. Four notes with delayed vibrato, an amplitude envelope per note, a spectrum that
 * brightens with loudness, and a breathy noise burst at each onset — all frame-rate controls
 * (250 frames per second) turned into 16 kHz audio by the graph below.
 *   npx tsx src/demo/phrase.ts [out.wav]
 */
import { chain, fanout, pick, sum, harmonic, filteredNoise, frames, io, core } from '../index.ts';
import * as node from '../node/index.ts';

const sampleRate = 16000;
const frameRate = 250;
const hop = sampleRate / frameRate;
const K = 60; // harmonics
const B = 65; // noise bands
const notes = [
  { midi: 62, start: 0.0, dur: 0.55 },
  { midi: 66, start: 0.6, dur: 0.55 },
  { midi: 69, start: 1.2, dur: 0.55 },
  { midi: 74, start: 1.8, dur: 1.1 },
];
const seconds = 3.2;
const F = Math.round(seconds * frameRate);
const nSamples = F * hop;

const amplitude = new Float64Array(F);
const midi = new Float64Array(F);
const brightness = new Float64Array(F);
const breath = new Float64Array(F);
for (let j = 0; j < F; j++) {
  const t = j / frameRate;
  // The most recent note that has started holds the pitch (legato between notes).
  const note = [...notes].reverse().find((n) => t >= n.start) ?? notes[0];
  const u = t - note.start;
  const attack = Math.min(1, u / 0.04);
  const release = u > note.dur ? Math.exp(-(u - note.dur) / 0.08) : 1;
  const env = attack * (0.75 + 0.25 * Math.exp(-u / 0.15)) * release;
  const vibrato = u > 0.25 ? 0.35 * Math.min(1, (u - 0.25) / 0.2) * Math.sin(2 * Math.PI * 5.5 * u) : 0;
  amplitude[j] = 0.5 * env;
  midi[j] = note.midi + vibrato;
  brightness[j] = 0.8 + 1.2 * env;
  breath[j] = 0.02 * env + 0.08 * Math.exp(-u / 0.03) * attack;
}
const f0Hz = core.midiToHz(midi);

// Harmonic distribution: 1/k^(2.2 − brightness) with a gentle formant near 1.2 kHz.
const dist = new Float64Array(F * K);
for (let j = 0; j < F; j++) {
  for (let k = 1; k <= K; k++) {
    const formant = 1 + 1.5 * Math.exp(-(((k * f0Hz[j] - 1200) / 400) ** 2));
    dist[j * K + k - 1] = formant / k ** (2.2 - brightness[j] * 0.5);
  }
}
// Noise: a low-passed breath, louder at the attack.
const noise = new Float64Array(F * B);
for (let j = 0; j < F; j++) for (let b = 0; b < B; b++) noise[j * B + b] = breath[j] / (1 + (b / 12) ** 2);

// DDSP's harmonic-plus-noise model, fed already-scaled controls (scaleFn: 'none').
const model = chain(
  fanout({
    harmonic: chain(pick('harmonic'), harmonic({ nSamples, sampleRate, scaleFn: 'none' })),
    noise: chain(pick('noise'), filteredNoise({ nSamples, scaleFn: 'none', initialBias: 0, seed: 1 })),
  }),
  sum(),
);

const t0 = performance.now();
const audio = model.forward(
  { harmonic: { amplitudes: amplitude, harmonicDistribution: frames(dist, F, K), f0Hz }, noise: frames(noise, F, B) },
  {},
) as Float64Array;
const ms = performance.now() - t0;

const path = process.argv[2] ?? 'out/demo.wav';
await node.writeWav(path, audio, sampleRate);
let peak = 0;
for (const v of audio) peak = Math.max(peak, Math.abs(v));
console.log(
  `wrote ${path}: ${seconds.toFixed(1)} s of 32-bit float WAV at ${sampleRate} Hz, ${notes.length} notes, ` +
    `${K} harmonics + ${B}-band noise, peak ${peak.toFixed(3)}; synthesis took ${ms.toFixed(0)} ms (${((seconds * 1000) / ms).toFixed(0)}× real time)`,
);
