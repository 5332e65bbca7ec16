/**
 * DDSP's gin configs for processor groups. `fromGin(text)` reads the subset of gin that DDSP's
 * documentation uses to define a ProcessorGroup and builds the same graph as {@link fromConfig}:
 *
 *   import ddsp                                   (import / from … import lines are skipped)
 *   n_samples = 64000                             (a macro, used as %n_samples)
 *   Harmonic.n_samples = %n_samples               (Class.param bindings; DDSP's argument names)
 *   processors.ProcessorGroup.dag = [             (the DAG: a list of (@Class(), [inputs]) pairs)
 *     (@ddsp.synths.Harmonic(), ['amps', 'harmonic_distribution', 'f0_hz']),
 *     (@ddsp.effects.TrainableReverb(), ['harmonic/signal'])]
 *
 * Values: numbers, 'strings' or "strings", True/False/None, [lists], (tuples), @references with
 * or without (), %macros; # comments; values may span lines inside brackets. DDSP's class names
 * map to our processor types and its snake_case argument names to ours (`n_samples` → `nSamples`,
 * `reverb_length` → `irLength`, …); processors are named DDSP's way (`Harmonic` → 'harmonic',
 * `Additive` → 'additive', `FilteredNoise` → 'filtered_noise'), so DDSP's references resolve.
 * Anything else is an error that quotes the line and says what is supported.
 */
import { fail, nearestKey, readOptions } from '../core/errors.ts';
import { compileGroup, type DagConfig, type DagEntry, type ProcessorGroupOptions } from './dag.ts';

/** A parsed gin value. */
type GinValue = number | string | boolean | null | GinValue[] | { ref: string; call: boolean } | { macro: string };

interface Statement {
  line: number;
  text: string;
}

/** Split into statements: newlines end one unless inside brackets; comments removed. */
function statements(fn: string, text: string): Statement[] {
  const out: Statement[] = [];
  let cur = '';
  let depth = 0;
  let quote: string | null = null;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      cur += ch;
      if (ch === '\\') cur += text[++i] ?? '';
      else if (ch === quote) quote = null;
      else if (ch === '\n') fail(fn, `line ${line}: unterminated string`);
      continue;
    }
    if (ch === '#') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    if ('[('.includes(ch)) depth++;
    if ('])'.includes(ch)) depth--;
    if (ch === '\n') {
      line++;
      if (depth <= 0) {
        if (cur.trim()) out.push({ line: start, text: cur.trim() });
        cur = '';
        depth = 0;
        start = line;
        continue;
      }
      cur += ' ';
      continue;
    }
    if (!cur.trim()) start = line;
    cur += ch;
  }
  if (quote) fail(fn, `line ${start}: unterminated string`);
  if (depth > 0) fail(fn, `line ${start}: unclosed bracket in ${JSON.stringify(cur.trim().slice(0, 60))}`);
  if (cur.trim()) out.push({ line: start, text: cur.trim() });
  return out;
}

const SUPPORTED =
  'supported: import lines, NAME = value macros, Class.param = value bindings, numbers, strings, True/False/None, lists, tuples, @references and %macros';

/** Parse one value from `s` starting at `pos`. */
function parseValue(fn: string, st: Statement, s: string): GinValue {
  let pos = 0;
  const err = (what: string): never => fail(fn, `line ${st.line}: ${JSON.stringify(st.text.length > 80 ? st.text.slice(0, 77) + '…' : st.text)}: ${what} (${SUPPORTED})`);
  const ws = () => {
    while (pos < s.length && /\s/.test(s[pos])) pos++;
  };
  const value = (): GinValue => {
    ws();
    const ch = s[pos];
    if (ch === undefined) return err('a value is missing');
    if (ch === '[' || ch === '(') {
      const close = ch === '[' ? ']' : ')';
      pos++;
      const items: GinValue[] = [];
      ws();
      while (s[pos] !== close) {
        items.push(value());
        ws();
        if (s[pos] === ',') {
          pos++;
          ws();
        } else if (s[pos] !== close) err(`expected ',' or '${close}' at ${JSON.stringify(s.slice(pos, pos + 20))}`);
      }
      pos++;
      return items;
    }
    if (ch === "'" || ch === '"') {
      let out = '';
      pos++;
      while (pos < s.length && s[pos] !== ch) {
        if (s[pos] === '\\') pos++;
        out += s[pos++];
      }
      pos++;
      return out;
    }
    if (ch === '@') {
      const m = /^@([A-Za-z_][\w.]*(?:\/[A-Za-z_][\w.]*)?)(\(\))?/.exec(s.slice(pos));
      if (!m) return err(`a malformed @reference at ${JSON.stringify(s.slice(pos, pos + 30))}`);
      pos += m[0].length;
      return { ref: m[1], call: m[2] !== undefined };
    }
    if (ch === '%') {
      const m = /^%([A-Za-z_][\w.]*)/.exec(s.slice(pos));
      if (!m) return err(`a malformed %macro at ${JSON.stringify(s.slice(pos, pos + 30))}`);
      pos += m[0].length;
      return { macro: m[1] };
    }
    const num = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(s.slice(pos));
    if (num) {
      pos += num[0].length;
      return Number(num[0]);
    }
    const word = /^[A-Za-z_]\w*/.exec(s.slice(pos));
    if (word) {
      pos += word[0].length;
      if (word[0] === 'True') return true;
      if (word[0] === 'False') return false;
      if (word[0] === 'None') return null;
    }
    return err(`unsupported value at ${JSON.stringify(s.slice(pos, pos + 30))}`);
  };
  const v = value();
  ws();
  if (pos < s.length) err(`unexpected ${JSON.stringify(s.slice(pos, pos + 30))} after the value`);
  return v;
}

/** DDSP classes → our processor types, DDSP's default processor names, and argument names. */
interface ClassMap {
  type: string;
  name: string;
  args: Record<string, string | ((v: GinValue, opts: Record<string, unknown>) => void)>;
}

const scaleFn = (key: string) => (v: GinValue, o: Record<string, unknown>) => {
  const r = v !== null && typeof v === 'object' && 'ref' in v ? v.ref.split('.').pop() : v;
  if (r === 'exp_sigmoid') o[key] = 'expSigmoid';
  else if (r === null) o[key] = 'none';
  else throw new Error(`${key === 'frequencyScale' ? 'freq_scale_fn' : 'scale_fn'} must be @ddsp.core.${key === 'frequencyScale' ? 'frequencies_sigmoid' : 'exp_sigmoid'} or None`);
};
const freqScale = (v: GinValue, o: Record<string, unknown>) => {
  const r = v !== null && typeof v === 'object' && 'ref' in v ? v.ref.split('.').pop() : v;
  if (r === 'frequencies_sigmoid') o.frequencyScale = 'sigmoid';
  else if (r === null) o.frequencyScale = 'none';
  else throw new Error('freq_scale_fn must be @ddsp.core.frequencies_sigmoid or None');
};
const mustBe = (arg: string, want: unknown, why: string) => (v: GinValue) => {
  if (v !== want) throw new Error(`${arg} = ${String(v)} is not supported: ${why}`);
};
const trainableReverb = mustBe('trainable', true, "a non-trainable reverb takes its IR as an input; these graphs keep the IR as the trainable parameter (use TrainableReverb or trainable = True)");
const synthArgs = {
  n_samples: 'nSamples', sample_rate: 'sampleRate', amp_resample_method: 'ampResample', scale_fn: scaleFn('scaleFn'),
  use_angular_cumsum: mustBe('use_angular_cumsum', false, 'phases are accumulated in float64 already'),
};
const reverbArgs = { reverb_length: 'irLength', add_dry: 'addDry', trainable: trainableReverb };

const CLASSES: Record<string, ClassMap> = {
  Harmonic: { type: 'harmonic', name: 'harmonic', args: { ...synthArgs, normalize_below_nyquist: 'normalizeBelowNyquist' } },
  Additive: { type: 'harmonic', name: 'additive', args: { ...synthArgs, normalize_below_nyquist: 'normalizeBelowNyquist' } },
  FilteredNoise: { type: 'filteredNoise', name: 'filtered_noise', args: { n_samples: 'nSamples', window_size: 'windowSize', scale_fn: scaleFn('scaleFn'), initial_bias: 'initialBias' } },
  Wavetable: { type: 'wavetable', name: 'wavetable', args: { n_samples: 'nSamples', sample_rate: 'sampleRate', scale_fn: scaleFn('scaleFn') } },
  Sinusoidal: {
    type: 'sinusoidal', name: 'sinusoidal',
    args: { n_samples: 'nSamples', sample_rate: 'sampleRate', amp_resample_method: 'ampResample', amp_scale_fn: scaleFn('scaleFn'), freq_scale_fn: freqScale },
  },
  Add: { type: 'add', name: 'add', args: {} },
  Mix: { type: 'mix', name: 'mix', args: {} },
  Reverb: { type: 'reverb', name: 'reverb', args: reverbArgs },
  TrainableReverb: { type: 'reverb', name: 'trainable_reverb', args: { reverb_length: 'irLength', add_dry: 'addDry' } },
  ExpDecayReverb: { type: 'expDecayReverb', name: 'exp_decay_reverb', args: { ...reverbArgs, scale_fn: mustBe('scale_fn', null, 'only exp_sigmoid is built in') } },
  TrainableExpDecayReverb: { type: 'expDecayReverb', name: 'trainable_exp_decay_reverb', args: { reverb_length: 'irLength', add_dry: 'addDry' } },
  FilteredNoiseReverb: {
    type: 'filteredNoiseReverb', name: 'filtered_noise_reverb',
    args: { ...reverbArgs, window_size: 'windowSize', n_frames: 'nFrames', n_filter_banks: 'nFilterBanks', initial_bias: 'initialBias' },
  },
  TrainableFilteredNoiseReverb: {
    type: 'filteredNoiseReverb', name: 'trainable_filtered_noise_reverb',
    args: { reverb_length: 'irLength', add_dry: 'addDry', window_size: 'windowSize', n_frames: 'nFrames', n_filter_banks: 'nFilterBanks', initial_bias: 'initialBias' },
  },
  FIRFilter: { type: 'firFilter', name: 'fir_filter', args: { window_size: 'windowSize', scale_fn: mustBe('scale_fn', undefined, 'FIRFilter always applies exp_sigmoid') } },
  ModDelay: { type: 'ddspModDelay', name: 'mod_delay', args: { center_ms: 'centerMs', depth_ms: 'depthMs', sample_rate: 'sampleRate', add_dry: 'addDry' } },
  Crop: {
    type: 'crop', name: 'crop',
    args: {
      frame_size: (v, o) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`frame_size must be a non-negative integer (got ${String(v)})`);
        o.__frameSize = v;
      },
      crop_location: (v, o) => {
        if (v !== 'back' && v !== 'front' && v !== 'center') throw new Error(`crop_location must be 'back', 'front' or 'center' (got ${String(v)})`);
        o.__cropLocation = v;
      },
    },
  },
};

export interface FromGinOptions extends ProcessorGroupOptions {
  /**
   * Bindings the text leaves to other files, as gin text (`Harmonic.n_samples = 64000`) or a
   * record (`{ 'Harmonic.n_samples': 64000, n_samples: 64000 }` — keys without a dot are macros).
   * The text's own bindings win.
   */
  bindings?: string | Record<string, number | string | boolean | null | unknown[]>;
}

/**
 * Build a processor group from DDSP gin text (see the module comment for the subset).
 * @example
 *   const synth = fromGin(ginText, { bindings: { 'Additive.n_samples': 64000, 'FilteredNoise.n_samples': 64000 } });
 */
export function fromGin(text: string, opts: FromGinOptions = {}): ReturnType<typeof compileGroup> {
  const fn = 'fromGin';
  if (typeof text !== 'string') fail(fn, `text must be gin text (got ${text === null ? 'null' : typeof text})`);
  const { bindings, ...groupOpts } = readOptions(fn, opts, ['bindings', 'outputs']);
  const macros = new Map<string, GinValue>();
  const params = new Map<string, { value: GinValue; st: Statement }>();
  const read = (src: string, origin: string) => {
    for (const st of statements(fn, src)) {
      if (/^(import|from)\s/.test(st.text)) continue;
      if (/^include\s/.test(st.text)) fail(fn, `${origin}line ${st.line}: ${JSON.stringify(st.text)}: include is not supported; pass the included bindings in opts.bindings`);
      const m = /^([A-Za-z_][\w.]*)\s*=\s*([\s\S]+)$/.exec(st.text);
      if (!m) fail(fn, `${origin}line ${st.line}: ${JSON.stringify(st.text)}: not a binding (${SUPPORTED})`);
      const value = parseValue(fn, { ...st, line: st.line }, m[2]);
      if (m[1].includes('.')) params.set(m[1], { value, st });
      else macros.set(m[1], value);
    }
  };
  read(text, '');
  if (typeof bindings === 'string') {
    const own = new Map(params);
    const ownMacros = new Map(macros);
    read(bindings, 'opts.bindings ');
    for (const [k, v] of own) params.set(k, v);
    for (const [k, v] of ownMacros) macros.set(k, v);
  } else if (bindings !== undefined) {
    if (typeof bindings !== 'object' || bindings === null || Array.isArray(bindings)) fail(fn, 'opts.bindings must be gin text or a record of bindings');
    for (const [k, v] of Object.entries(bindings)) {
      const st = { line: 0, text: `${k} = ${JSON.stringify(v)}` };
      if (k.includes('.')) {
        if (!params.has(k)) params.set(k, { value: v as GinValue, st });
      } else if (!macros.has(k)) macros.set(k, v as GinValue);
    }
  }

  const expand = (v: GinValue, st: Statement, seen: string[] = []): GinValue => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'macro' in v) {
      if (seen.includes(v.macro)) fail(fn, `line ${st.line}: macro %${v.macro} refers to itself`);
      if (!macros.has(v.macro)) fail(fn, `line ${st.line}: ${JSON.stringify(st.text)}: macro %${v.macro} is not bound; give it in the text or opts.bindings`);
      return expand(macros.get(v.macro)!, st, [...seen, v.macro]);
    }
    if (Array.isArray(v)) return v.map((x) => expand(x, st, seen));
    return v;
  };

  const dagKey = [...params.keys()].find((k) => k === 'ProcessorGroup.dag' || k.endsWith('.ProcessorGroup.dag'));
  if (dagKey === undefined) fail(fn, 'no ProcessorGroup.dag binding (e.g. processors.ProcessorGroup.dag = [(@ddsp.synths.Harmonic(), [...]), ...])');
  const { value: rawDag, st: dagSt } = params.get(dagKey)!;
  const dagValue = expand(rawDag, dagSt);
  if (!Array.isArray(dagValue) || dagValue.length === 0) fail(fn, `line ${dagSt.line}: ProcessorGroup.dag must be a non-empty list of (processor, [inputs]) pairs`);

  const dag: DagEntry[] = dagValue.map((item, i) => {
    const at = `line ${dagSt.line}: dag[${i}]: `;
    if (!Array.isArray(item) || item.length < 2) fail(fn, `${at}an entry must be a (processor, [inputs]) pair`);
    if (item.length > 2) fail(fn, `${at}output keys (a third element) are not supported; reference processors as 'name/signal'`);
    const [ref, inputs] = item;
    if (ref === null || typeof ref !== 'object' || Array.isArray(ref) || !('ref' in ref)) fail(fn, `${at}the processor must be an @reference like @ddsp.synths.Harmonic()`);
    if (!Array.isArray(inputs) || inputs.some((x) => typeof x !== 'string')) fail(fn, `${at}the inputs must be a list of strings`);
    if (ref.ref.includes('/')) fail(fn, `${at}scoped references (@${ref.ref}) are not supported; bind Class.name instead`);
    const cls = ref.ref.split('.').pop()!;
    const map = CLASSES[cls];
    if (map === undefined) {
      const near = nearestKey(cls, Object.keys(CLASSES));
      fail(fn, `${at}unknown DDSP processor class '${cls}'${near ? `; did you mean '${near}'?` : ''} (supported: ${Object.keys(CLASSES).join(', ')})`);
    }
    const options: Record<string, unknown> = {};
    let name = map.name;
    for (const [key, { value, st }] of params) {
      const parts = key.split('.');
      if (parts.length < 2 || parts[parts.length - 2] !== cls) continue;
      const arg = parts[parts.length - 1];
      const v = expand(value, st);
      if (arg === 'name') {
        if (typeof v !== 'string') fail(fn, `line ${st.line}: ${cls}.name must be a string`);
        name = v;
        continue;
      }
      const to = map.args[arg];
      if (to === undefined) {
        const known = [...Object.keys(map.args), 'name'];
        const near = nearestKey(arg, known);
        fail(fn, `line ${st.line}: ${JSON.stringify(st.text)}: ${cls} has no argument '${arg}' here${near ? `; did you mean '${near}'?` : ''} (supported: ${known.join(', ')})`);
      }
      if (typeof to === 'function') {
        try {
          to(v, options);
        } catch (e) {
          fail(fn, `line ${st.line}: ${JSON.stringify(st.text)}: ${(e as Error).message}`);
        }
      } else options[to] = v;
    }
    if (cls === 'Crop') {
      const fs = (options.__frameSize as number | undefined) ?? fail(fn, `${at}Crop needs Crop.frame_size`);
      const loc = (options.__cropLocation as string | undefined) ?? 'back';
      const h = Math.floor(fs / 2);
      delete options.__frameSize;
      delete options.__cropLocation;
      Object.assign(options, loc === 'back' ? { before: 0, after: 2 * h } : loc === 'front' ? { before: 2 * h, after: 0 } : { before: h, after: h });
    }
    return { processor: { type: map.type, name, ...(Object.keys(options).length ? { options } : {}) }, inputs: inputs as string[] };
  });
  const config: DagConfig = { dag };
  return compileGroup(fn, config, groupOpts);
}
