/**
 * The autoencoder's shard task for {@link dataParallel}: config { preset (a name in nn.presets
 * or a preset), loss? }; each example { f0_scaled, ld_scaled, f0_hz } as Float64Arrays of T
 * frames and `audio` of nSamples. Returns the summed loss and gradient over the shard, example
 * by example in order.
 */
import ndarray from 'ndarray';
import type { Params } from '../core/tree.ts';
import { valueAndGrad } from '../graph/valueAndGrad.ts';
import { autoencoder, type AutoencoderOptions } from '../nn/autoencoder.ts';
import { presets, type ModelPreset } from '../nn/decoder.ts';
import { fail } from '../core/errors.ts';

export interface AutoencoderExample {
  f0_scaled: Float64Array;
  ld_scaled: Float64Array;
  f0_hz: Float64Array;
  audio: Float64Array;
}

export function createTask(config: { preset: keyof typeof presets | ModelPreset; loss?: AutoencoderOptions['loss'] }) {
  if (typeof config !== 'object' || config === null) fail('autoencoderTask', `config must be { preset, loss? } (got ${config === null ? 'null' : typeof config})`);
  const preset = typeof config.preset === 'string' ? presets[config.preset] : config.preset;
  if (preset === undefined) fail('autoencoderTask', `config.preset: unknown preset ${JSON.stringify(config.preset)} (known: ${Object.keys(presets).join(', ')})`);
  const vg = valueAndGrad(autoencoder({ preset, ...(config.loss ? { loss: config.loss } : {}) }));
  return (params: Params, examples: AutoencoderExample[]) => {
    let value = 0;
    let grad: Record<string, unknown> | undefined;
    for (const e of examples) {
      const T = e.f0_hz.length;
      const x = {
        f0_scaled: ndarray(e.f0_scaled, [1, T, 1]), ld_scaled: ndarray(e.ld_scaled, [1, T, 1]), f0_hz: ndarray(e.f0_hz, [1, T, 1]), audio: [e.audio],
      };
      const r = vg(x as never, params);
      value += r.value;
      grad = grad === undefined ? (r.grad as Record<string, unknown>) : addTrees(grad, r.grad as Record<string, unknown>);
    }
    return { value, grad: grad as Params };
  };
}

function addTrees(a: unknown, b: unknown): Record<string, unknown> {
  if (a instanceof Float64Array) return (a.map((v, i) => v + (b as Float64Array)[i]) as unknown) as Record<string, unknown>;
  if (typeof a === 'object' && a !== null && 'shape' in a && 'data' in a) {
    const x = a as { data: Float64Array; shape: number[] };
    return ndarray(x.data.map((v, i) => v + (b as { data: Float64Array }).data[i]), x.shape) as unknown as Record<string, unknown>;
  }
  if (Array.isArray(a)) return a.map((v, i) => addTrees(v, (b as unknown[])[i])) as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.entries(a as object).map(([k, v]) => [k, addTrees(v, (b as Record<string, unknown>)[k])]));
}
