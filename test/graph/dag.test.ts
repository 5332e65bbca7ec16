import { describe, expect, it } from 'vitest';
import {
  DdspError, chain, fanout, filteredNoise, frames, fromConfig, fromGin, harmonic, initParams, named, nodes, pick, processorGroup,
  processorType, processorTypes, registerProcessor, reverb, toConfig, train, valueAndGrad, type DagConfig, type Node,
} from '../../src/index.ts';
import { randomArray } from '../helpers.ts';

const N = 1600;
const F = 25;

/** The DAG of the issue (DDSP's harmonic + noise → add → reverb), at a small size. */
const config: DagConfig = {
  dag: [
    { processor: { type: 'harmonic', name: 'additive', options: { nSamples: N } }, inputs: ['amps', 'harmonic_distribution', 'f0_hz'] },
    { processor: { type: 'filteredNoise', name: 'noise', options: { nSamples: N } }, inputs: ['magnitudes'] },
    { processor: { type: 'add', name: 'add' }, inputs: ['additive/signal', 'noise/signal'] },
    { processor: { type: 'reverb', name: 'reverb', options: { irLength: 400 } }, inputs: ['add/signal'] },
  ],
  output: 'reverb/signal',
};

const ginText = `
import ddsp

processors.ProcessorGroup.dag = [
  (@ddsp.synths.Additive(),
   ['amps', 'harmonic_distribution', 'f0_hz']),
  (@ddsp.synths.FilteredNoise(),
   ['magnitudes']),
  (@ddsp.processors.Add(),
   ['filtered_noise/signal', 'additive/signal']),
  (@ddsp.effects.TrainableReverb(),
   ['add/signal'])
]
`;
const ginBindings = { 'Additive.n_samples': N, 'FilteredNoise.n_samples': N, 'TrainableReverb.reverb_length': 400 };

const inputs = {
  amps: randomArray(F, 1, -3, 1),
  harmonic_distribution: frames(randomArray(F * 12, 2, -2, 2), F, 12),
  f0_hz: randomArray(F, 3, 150, 400),
  magnitudes: frames(randomArray(F * 17, 4, -3, 1), F, 17),
};
const ir = randomArray(400, 5, -0.01, 0.01);

/** Gradients of the loss ⟨w, audio⟩ for a fixed w: the synth's VJP of w. */
const w = randomArray(N, 6);
function gradients(synth: Node, x: unknown, params: Record<string, unknown>) {
  const loss = chain(fanout([synth, pick('__w')]), nodes.mul(), nodes.sumAll());
  return valueAndGrad(loss)({ ...(x as object), __w: w } as never, params as never);
}

describe('processor graphs from a config', () => {
  const byHand = chain(
    fanout([
      chain(pick('h'), harmonic({ nSamples: N })),
      chain(pick('n'), filteredNoise({ nSamples: N })),
    ]),
    nodes.add(),
    named('reverb', reverb()),
  );
  const handInput = { h: { amplitudes: inputs.amps, harmonicDistribution: inputs.harmonic_distribution, f0Hz: inputs.f0_hz }, n: inputs.magnitudes };

  it('gives the same audio and gradients built from JSON, processorGroup, DDSP gin text, and by hand', () => {
    const fromJson = fromConfig(JSON.stringify(config));
    const fromValue = processorGroup(config);
    const fromText = fromGin(ginText, { bindings: ginBindings });
    const ref = byHand.forward(handInput, { reverb: { ir } }) as Float64Array;
    for (const [g, params] of [[fromJson, { reverb: { ir } }], [fromValue, { reverb: { ir } }], [fromText, { trainable_reverb: { ir } }]] as const) {
      const y = g.forward(inputs, params) as Float64Array;
      expect(Array.from(y)).toEqual(Array.from(ref));
    }
    const gh = gradients(byHand, handInput, { reverb: { ir } });
    const gj = gradients(fromJson, inputs, { reverb: { ir } });
    const gt = gradients(fromText, inputs, { trainable_reverb: { ir } });
    expect(gj.value).toBe(gh.value);
    const irGrad = (gr: unknown, key: string) => Array.from((gr as Record<string, { ir: Float64Array }>)[key].ir);
    expect(irGrad(gj.grad, 'reverb')).toEqual(irGrad(gh.grad, 'reverb'));
    expect(irGrad(gt.grad, 'trainable_reverb')).toEqual(irGrad(gh.grad, 'reverb'));
    const gxh = gh.gradInput as { h: Record<string, Float64Array | { data: Float64Array }>; n: { data: Float64Array } };
    const gxj = gj.gradInput as Record<string, Float64Array | { data: Float64Array }>;
    expect(Array.from(gxj.amps as Float64Array)).toEqual(Array.from(gxh.h.amplitudes as Float64Array));
    expect(Array.from((gxj.harmonic_distribution as { data: Float64Array }).data)).toEqual(Array.from((gxh.h.harmonicDistribution as { data: Float64Array }).data));
    expect(Array.from(gxj.f0_hz as Float64Array)).toEqual(Array.from(gxh.h.f0Hz as Float64Array));
    expect(Array.from((gxj.magnitudes as { data: Float64Array }).data)).toEqual(Array.from(gxh.n.data));
  });

  it('round-trips config → graph → config, and entries may come in any order', () => {
    expect(toConfig(fromConfig(JSON.stringify(config)))).toEqual(config);
    const shuffled = { ...config, dag: [config.dag[3], config.dag[1], config.dag[2], config.dag[0]] };
    const y = processorGroup(shuffled).forward(inputs, { reverb: { ir } }) as Float64Array;
    expect(Array.from(y)).toEqual(Array.from(processorGroup(config).forward(inputs, { reverb: { ir } }) as Float64Array));
    // Names default to the type and are written out.
    const unnamed = toConfig(processorGroup({ dag: [{ processor: { type: 'scale', options: { s: 2 } }, inputs: ['x'] }] }));
    expect(unnamed.dag[0].processor.name).toBe('scale');
  });

  it("returns every processor's controls and signal on request, from one forward pass", () => {
    let calls = 0;
    registerProcessor({
      type: 'countingGain', doc: 'x·2, counting forward passes', options: {}, inputs: ['x'], packing: 'single',
      create: () => ({ name: 'countingGain', forward: (x) => (calls++, (x as Float64Array).map((v) => 2 * v)), vjp: (x) => [(x as Float64Array).map((v) => 2 * v), (g) => [g, undefined]] }),
    });
    const g = processorGroup({ dag: [...config.dag, { processor: { type: 'countingGain', name: 'twice' }, inputs: ['reverb/signal'] }] }, { outputs: 'all' });
    const all = g.forward(inputs, { reverb: { ir } }) as Record<string, Record<string, unknown>>;
    expect(calls).toBe(1);
    expect(Object.keys(all.additive)).toEqual(['controls', 'signal']);
    expect(Object.keys(all.additive.controls as object)).toEqual(['amplitude', 'distribution', 'f0Hz']);
    expect(Object.keys(all.noise)).toEqual(['controls', 'signal']);
    expect(Object.keys(all.reverb)).toEqual(['signal']);
    expect(all.out).toBe(all.twice.signal);
    expect(all.amps).toBe(inputs.amps);
  });

  it('initialises parameters as DDSP does, seeded', () => {
    const p = initParams(processorGroup(config), 7) as { reverb: { ir: Float64Array } };
    expect(p.reverb.ir.length).toBe(400);
    const sd = Math.sqrt(p.reverb.ir.reduce((s, v) => s + v * v, 0) / 400);
    expect(sd).toBeGreaterThan(0.7e-6);
    expect(sd).toBeLessThan(1.3e-6);
    expect(initParams(processorGroup(config), 7)).toEqual(p);
  });

  it('trains the reverb IR with valueAndGrad (the loss falls)', () => {
    const g = processorGroup(config);
    const target = g.forward(inputs, { reverb: { ir } }) as Float64Array;
    const loss = chain(fanout([g, pick('target')]), nodes.sub(), fanout([nodes.scale(1), nodes.scale(1)]), nodes.mul(), nodes.mean());
    const vg = valueAndGrad(loss);
    const x = { ...inputs, target };
    const { losses } = train.fit({ params: initParams(g, 1), valueAndGrad: (p) => vg(x, p), optimizer: train.adam({ learningRate: 2e-3 }), steps: 40 });
    expect(losses[losses.length - 1]).toBeLessThan(0.2 * losses[0]);
  });
});

describe('config errors name the entry and what is wrong', () => {
  const fails = (call: () => unknown, fn: string, text: string) => {
    let err: unknown;
    try {
      call();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DdspError);
    expect((err as DdspError).fn).toBe(fn);
    expect((err as DdspError).message).toContain(text);
  };
  const one = (processor: Record<string, unknown>, inputs: string[] = ['x']) => ({ dag: [{ processor, inputs }] }) as unknown as DagConfig;

  it('unknown processor type: lists the known ones and suggests the nearest', () => {
    fails(() => processorGroup(one({ type: 'harmonics' })), 'processorGroup', "dag[0]: unknown processor type \"harmonics\"; did you mean 'harmonic'? (known: ");
  });
  it('a reference to an unknown processor output, and a near-miss processor name', () => {
    fails(() => processorGroup({ dag: [{ processor: { type: 'scale', options: { s: 1 } }, inputs: ['x'] }, { processor: { type: 'reverb' }, inputs: ['scale/controls'] }] }),
      'processorGroup', "dag[1] 'reverb' (reverb): reference 'scale/controls': processor 'scale' (scale) outputs 'scale/signal'");
    fails(() => processorGroup({ dag: [{ processor: { type: 'scale', name: 'gain_stage', options: { s: 1 } }, inputs: ['x'] }, { processor: { type: 'reverb' }, inputs: ['gainstage/signal'] }] }),
      'processorGroup', "reference 'gainstage' is neither an input nor a processor; did you mean processor 'gain_stage'?");
  });
  it('a cycle, printed', () => {
    fails(() => processorGroup({ dag: [
      { processor: { type: 'add', name: 'a' }, inputs: ['x', 'c/signal'] },
      { processor: { type: 'scale', name: 'b', options: { s: 2 } }, inputs: ['a/signal'] },
      { processor: { type: 'scale', name: 'c', options: { s: 3 } }, inputs: ['b/signal'] },
    ] }), 'processorGroup', "the DAG has a cycle: 'a' → 'c' → 'b' → 'a'");
  });
  it('duplicate names', () => {
    fails(() => processorGroup({ dag: [{ processor: { type: 'softplus' }, inputs: ['x'] }, { processor: { type: 'softplus' }, inputs: ['softplus'] }] }),
      'processorGroup', "dag[1] 'softplus' (softplus): duplicate processor name 'softplus' (also dag[0])");
  });
  it('missing required options, unknown keys and wrong types', () => {
    fails(() => processorGroup(one({ type: 'harmonic' }, ['a', 'b', 'c'])), 'processorGroup', "dag[0] 'harmonic' (harmonic): processor 'harmonic' needs option 'nSamples'");
    fails(() => fromConfig(JSON.stringify(one({ type: 'reverb', options: { irLenght: 10 } }))), 'fromConfig', "unknown option 'irLenght' for processor 'reverb'; did you mean 'irLength'?");
    fails(() => processorGroup(one({ type: 'reverb', options: { irLength: 'long' } })), 'processorGroup', "option 'irLength' of processor 'reverb' must be an integer (got \"long\")");
    fails(() => processorGroup(one({ type: 'sincFilter', options: { cutoff: 2 } })), 'processorGroup', "option 'cutoff' of processor 'sincFilter' must be a number <= 1 (got 2)");
  });
  it('the wrong number of inputs', () => {
    fails(() => processorGroup(one({ type: 'add' }, ['x'])), 'processorGroup', "dag[0] 'add' (add): takes 2 inputs (a, b), got 1");
  });
  it('inputs missing at run time, and errors of a processor while it runs', () => {
    const g = processorGroup({ dag: [{ processor: { type: 'add' }, inputs: ['x', 'y'] }] });
    fails(() => g.forward({ x: randomArray(4) } as never, {}), 'processorGroup', "the input has no 'y' (the DAG reads: x, y)");
    fails(() => g.forward({ x: randomArray(4), y: randomArray(5) } as never, {}), 'processorGroup', "dag[0] 'add' (add): add: a and b must have the same length");
  });
  it('gin text: unsupported lines are quoted, unknown classes and arguments named', () => {
    fails(() => fromGin('processors.ProcessorGroup.dag = [(@ddsp.synths.Harmonic(), [\'a\', \'b\', \'c\'])]\nHarmonic.n_samples = 64\nwhile True: pass'), 'fromGin', 'line 3: "while True: pass": not a binding');
    fails(() => fromGin("processors.ProcessorGroup.dag = [(@ddsp.synths.Harmonik(), ['a'])]"), 'fromGin', "unknown DDSP processor class 'Harmonik'; did you mean 'Harmonic'?");
    fails(() => fromGin("ProcessorGroup.dag = [(@ddsp.synths.Harmonic(), ['a', 'b', 'c'])]\nHarmonic.n_sample = 64"), 'fromGin', "Harmonic has no argument 'n_sample' here; did you mean 'n_samples'?");
    fails(() => fromGin("ProcessorGroup.dag = [(@ddsp.effects.Reverb(), ['a'])]\nReverb.trainable = False"), 'fromGin', 'trainable = false is not supported');
    fails(() => fromGin("ProcessorGroup.dag = [(@ddsp.synths.Harmonic(), ['a', 'b', 'c'])]\nHarmonic.n_samples = %n"), 'fromGin', 'macro %n is not bound');
  });
});

describe('gin text', () => {
  it('reads macros, comments, tuples, booleans, None and multi-line values, with DDSP names', () => {
    const text = `
# a DDSP-style config
import ddsp
import ddsp.training
n_samples = 64   # a macro
Harmonic.n_samples = %n_samples
Harmonic.normalize_below_nyquist = True
Harmonic.amp_resample_method = 'linear'
Harmonic.scale_fn = @ddsp.core.exp_sigmoid
Crop.frame_size = 8
Crop.crop_location = "back"
ProcessorGroup.dag = [
  (@synths.Harmonic(), ('a', 'b', 'c')),  # tuples too
  (@processors.Crop(), ['harmonic/signal']),
]`;
    const g = fromGin(text);
    expect(toConfig(g)).toEqual({ dag: [
      { processor: { type: 'harmonic', name: 'harmonic', options: { nSamples: 64, normalizeBelowNyquist: true, ampResample: 'linear', scaleFn: 'expSigmoid' } }, inputs: ['a', 'b', 'c'] },
      { processor: { type: 'crop', name: 'crop', options: { before: 0, after: 8 } }, inputs: ['harmonic/signal'] },
    ] });
    const y = g.forward({ a: randomArray(4), b: frames(randomArray(12), 4, 3), c: randomArray(4, 2, 100, 300) }, {}) as Float64Array;
    expect(y.length).toBe(56);
  });
  it("maps DDSP's ModDelay: delay = (center + depth·σ(phase)) ms, gain = expSigmoid", () => {
    const g = fromGin("ProcessorGroup.dag = [(@ddsp.effects.ModDelay(), ['audio', 'gain', 'phase'])]\nModDelay.center_ms = 1\nModDelay.depth_ms = 1\nModDelay.add_dry = False");
    const x = Float64Array.from({ length: 200 }, (_, k) => k + 1);
    // phase → −∞ gives σ = 0: a delay of center = 1 ms = 16 samples; gain raw 100 → expSigmoid ≈ 2.
    const y = g.forward({ audio: x, gain: new Float64Array(200).fill(100), phase: new Float64Array(200).fill(-1e3) }, {}) as Float64Array;
    expect(y[100]).toBeCloseTo(2 * (100 - 16 + 1), 4);
  });
});

describe('the registry', () => {
  it('lists the built-in processors and describes each', () => {
    const types = processorTypes();
    for (const t of ['harmonic', 'filteredNoise', 'wavetable', 'sinusoidal', 'reverb', 'expDecayReverb', 'filteredNoiseReverb', 'firFilter', 'sincFilter',
      'modDelay', 'mix', 'add', 'waveshaper', 'compressor', 'parametricEq', 'biquad', 'spectralLoss', 'meanDifference']) expect(types).toContain(t);
    expect(processorType('harmonic').inputs).toEqual(['amplitudes', 'harmonicDistribution', 'f0Hz']);
  });
  it('takes user processors, validated by their schema', () => {
    registerProcessor({
      type: 'gain', doc: 'k·x', options: { k: { type: 'number', required: true, min: 0 } }, inputs: ['x'], packing: 'single',
      create: (o) => nodes.scale(o.k as number),
    });
    const g = processorGroup({ dag: [{ processor: { type: 'gain', options: { k: 3 } }, inputs: ['x'] }] });
    expect(Array.from(g.forward({ x: Float64Array.of(1, 2) }, {}) as Float64Array)).toEqual([3, 6]);
    expect(() => processorGroup({ dag: [{ processor: { type: 'gain', options: { k: -1 } }, inputs: ['x'] }] })).toThrow("option 'k' of processor 'gain' must be a number >= 0 (got -1)");
  });
});
