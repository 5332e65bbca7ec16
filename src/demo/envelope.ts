/**
 * A first demo of the foundation: learn 50 frame-rate controls whose expSigmoid, upsampled with
 * DDSP's overlapping Hann windows to 16000 samples, matches a target amplitude envelope
 * (an ADSR-like shape), by Adam on the mean squared error. Prints progress and the result.
 *   npx tsx src/demo/envelope.ts
 */
import { seq, fanout, param, named, identity, nodes, valueAndGrad, stopGradient, train } from '../index.ts';

const nFrames = 50;
const nSamples = 16000;
const target = new Float64Array(nSamples);
for (let n = 0; n < nSamples; n++) {
  const t = n / nSamples;
  target[n] = t < 0.05 ? t / 0.05 : t < 0.2 ? 1 - ((t - 0.05) / 0.15) * 0.4 : t < 0.7 ? 0.6 : Math.max(0, 0.6 * (1 - (t - 0.7) / 0.3));
}

// envelope = upsample(expSigmoid(controls)); loss = mean((envelope − target)²)
const envelope = named('env', seq(param('controls'), nodes.expSigmoid({ maxValue: 1.2 }), nodes.upsampleWithWindows(nSamples)));
const loss = seq(
  fanout([envelope, stopGradient(identity())]),
  nodes.sub(),
  fanout([identity(), identity()]),
  nodes.mul(),
  nodes.mean(),
);
const vg = valueAndGrad(loss);

const result = train.fit({
  valueAndGrad: (p) => vg(target, p),
  params: { env: { controls: new Float64Array(nFrames) } },
  optimizer: train.adam({ learningRate: 0.1 }),
  steps: 400,
  logEvery: 50,
  onProgress: train.logProgress(),
});
const first = result.losses[0];
const last = vg(target, result.params).value;
console.log(`mean squared error: ${first.toExponential(3)} → ${last.toExponential(3)} (${(first / last).toFixed(0)}× lower)`);
