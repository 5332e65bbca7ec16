/**
 * Processor graphs from config files: load DDSP's harmonic + noise + reverb group from JSON and
 * from DDSP gin text, check that both render the same audio, then learn the reverb's impulse
 * response (from DDSP's N(0, 1e-6) initialisation) so that the graph matches a target rendered
 * with a known room, by Adam on the multi-scale spectral loss through valueAndGrad.
 *   npm run demo:config          (CONFIG_STEPS=<n> to change the number of steps)
 */
import { readFile } from 'node:fs/promises';
import {
  chain, effects, fanout, frames, fromConfig, fromGin, initParams, io, pick, spectralLossNode, train, valueAndGrad, type Node,
} from '../index.ts';
import * as node from '../node/index.ts';

const here = new URL('./configs/', import.meta.url);
const F = 250;
const N = 16000;

/** Frame-rate controls of one second: a note at 196 Hz with vibrato, a swell, a breathy noise floor. */
function controls() {
  const t = (i: number) => i / (F - 1);
  return {
    amplitudes: Float64Array.from({ length: F }, (_, i) => -1.5 + 2 * Math.sin(Math.PI * t(i))),
    harmonic_distribution: frames(Float64Array.from({ length: F * 30 }, (_, k) => -0.15 * (k % 30) + 0.3 * Math.sin(k / 97)), F, 30),
    f0_hz: Float64Array.from({ length: F }, (_, i) => 196 * 2 ** ((0.3 * Math.sin(2 * Math.PI * 5 * t(i))) / 12)),
    magnitudes: frames(Float64Array.from({ length: F * 65 }, (_, k) => 4.5 - 0.02 * (k % 65)), F, 65),
  };
}

export async function runConfigDemo(steps = 150, log: (s: string) => void = console.log) {
  const json = await readFile(new URL('harmonicPlusNoise.json', here), 'utf8');
  const gin = await readFile(new URL('harmonicPlusNoise.gin', here), 'utf8');
  const fromJson = fromConfig(json);
  const fromDdsp = fromGin(gin);
  const x = controls();

  // A room: 0.25 s of exponentially decaying noise (DDSP's ExpDecayReverb IR), IR[0] masked.
  const room = effects.expDecayIr(Float64Array.of(0.3), Float64Array.of(2.5), { irLength: 4000, seed: 11 });
  const a = fromJson.forward(x, { reverb: { ir: room } }) as Float64Array;
  const b = fromDdsp.forward(x, { trainable_reverb: { ir: room } }) as Float64Array;
  log(`JSON and gin graphs agree: max |difference| ${Math.max(...a.map((v, i) => Math.abs(v - b[i])))} over ${N} samples`);

  // loss = multi-scale spectral loss of [target, graph(controls)], the target carried in the input.
  const loss = chain(fanout([pick('target'), fromJson as Node]), spectralLossNode({ fftSizes: [1024, 512, 256, 128] }));
  const vg = valueAndGrad(loss);
  const input = { ...x, target: a };
  const result = train.fit({
    params: initParams(fromJson, 0),
    valueAndGrad: (p) => vg(input, p),
    optimizer: train.adam({ learningRate: 1e-3 }),
    steps,
    onProgress: train.logProgress(log),
  });
  const ir = (result.params.reverb as { ir: Float64Array }).ir;
  // A spectral loss does not see the IR's phase, so compare what it does see: the IR's energy
  // over time, in 25 ms windows (dB). The early, loud part is learned first; the quiet tail needs
  // far more steps (Adam moves every tap by about its learning rate, a floor near −45 dB here).
  const envelope = (h: Float64Array) => Array.from({ length: 4 }, (_, w) => 10 * Math.log10(h.slice(1 + 400 * w, 1 + 400 * (w + 1)).reduce((s, v) => s + v * v, 0) / 400 + 1e-20));
  const [le, te] = [envelope(ir), envelope(room)];
  const first = result.losses[0];
  const last = vg(input, result.params).value;
  log(`spectral loss ${first.toFixed(3)} → ${last.toFixed(3)} (${(first / last).toFixed(1)}× lower) in ${steps} steps`);
  log(`IR energy per 25 ms, learned vs true: ${le.map((v, i) => `${v.toFixed(1)} vs ${te[i].toFixed(1)} dB`).join(', ')}`);
  return { first, last, envelope: le, trueEnvelope: te, losses: result.losses, audio: fromJson.forward(x, result.params) as Float64Array };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const steps = Number(process.env.CONFIG_STEPS ?? 150);
  const r = await runConfigDemo(steps);
  await node.writeWav('out/config-resynthesis.wav', r.audio, N);
  const { writeFile, mkdir } = await import('node:fs/promises');
  await mkdir('out', { recursive: true });
  await writeFile('out/config-loss.svg', io.linePlotSvg([{ name: 'loss', y: r.losses }], { title: 'Spectral loss while learning the reverb IR', xLabel: 'step', yLabel: 'loss', yLog: true }));
  console.log('wrote out/config-resynthesis.wav, out/config-loss.svg');
}
