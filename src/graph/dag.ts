/**
 * DDSP's ProcessorGroup: a signal chain written as a DAG of registered processors, each with its
 * named inputs, compiled onto the combinators. The result is an ordinary Node (forward, vjp);
 * trainable parameters are scoped by processor name (`params.reverb.ir`).
 *
 *   { dag: [ { processor: { type, name?, options? }, inputs: ['amps', 'noise/signal', …] }, … ],
 *     output?: 'reverb/signal' }
 *
 * An input is a key of the input record (`amps`, or `inputs/amps` as DDSP also allows) or a
 * processor's output: `name/signal` (or just `name`), and `name/controls[/key]` for processors
 * with DDSP's controls/signal split (harmonic, filteredNoise). Entries may come in any order: they
 * are sorted topologically, and a cycle is an error that prints it. The output defaults to the
 * signal of the last entry, as DDSP's `out`.
 *
 * Compilation: the running environment is a record (the inputs, then one `{ signal, controls? }`
 * per processor); each processor adds its entry with `fanout({ ...env, [name]: named(name,
 * seq(gather, processor)) })`, where `gather` picks its inputs; `pick(output)` ends the chain.
 * Where a value feeds several processors its cotangents add, as everywhere in the graph.
 */
import { DdspError, fail, nearestKey, readOptions } from '../core/errors.ts';
import type { Cotangent, Params, Tree } from '../core/tree.ts';
import { fanout, named, pick, seq } from './combinators.ts';
import type { Node, Pullback } from './node.ts';
import { packInputs, processorType, validateOptions, type ProcessorType } from './registry.ts';

export interface ProcessorSpec {
  /** A registered processor type (see `processorTypes()`). */
  type: string;
  /** Unique within the DAG; default: the type. Trainable parameters live under `params[name]`. */
  name?: string;
  options?: Record<string, unknown>;
}

export interface DagEntry {
  processor: ProcessorSpec;
  /** One reference per input of the processor, in its order. */
  inputs: string[];
}

export interface DagConfig {
  dag: DagEntry[];
  /** What the group outputs: a reference as in `inputs`. Default: the last entry's signal. */
  output?: string;
}

export interface ProcessorGroupOptions {
  /**
   * 'output' (default): the group outputs the value named by `output`. 'all': a record of every
   * processor's `{ signal, controls? }` and the inputs, plus `out` (DDSP's return_outputs_dict),
   * from the same single forward pass.
   */
  outputs?: 'output' | 'all';
}

interface Compiled {
  config: DagConfig;
  /** Validated options per processor name (for initParams). */
  processors: { name: string; type: ProcessorType; options: Record<string, unknown> }[];
}

const compiledGroups = new WeakMap<Node, Compiled>();

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

/** A reference split into its head (processor or input key) and the rest of the path. */
interface Ref {
  text: string;
  /** Processor index, or -1 for an input key. */
  from: number;
  /** The path picked from the environment record. */
  path: string;
}

/** Validate a DAG config and compile it; errors are raised under `fn` and name the entry. */
export function compileGroup(fn: string, config: unknown, opts: ProcessorGroupOptions = {}): Node {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) fail(fn, `the config must be { dag: [...], output? } (got ${describe(config)})`);
  const c = config as Record<string, unknown>;
  for (const k of Object.keys(c)) if (k !== 'dag' && k !== 'output') fail(fn, `unknown key '${k}' in the config (expected dag and output)`);
  const { outputs = 'output' } = readOptions(fn, opts, ['outputs']);
  if (outputs !== 'output' && outputs !== 'all') fail(fn, `opts.outputs must be 'output' or 'all' (got ${JSON.stringify(outputs)})`);
  const dag = c.dag;
  if (!Array.isArray(dag) || dag.length === 0) fail(fn, `config.dag must be a non-empty array of { processor, inputs } (got ${describe(dag)})`);

  // 1. Entries: shape, type, name, options.
  const entries = dag.map((e: unknown, i: number) => {
    const at = `dag[${i}]: `;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) fail(fn, `${at}an entry must be { processor, inputs } (got ${describe(e)})`);
    const entry = e as Record<string, unknown>;
    for (const k of Object.keys(entry)) if (k !== 'processor' && k !== 'inputs') fail(fn, `${at}unknown key '${k}' (an entry has processor and inputs)`);
    const p = entry.processor;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) fail(fn, `${at}processor must be { type, name?, options? } (got ${describe(p)})`);
    const proc = p as Record<string, unknown>;
    for (const k of Object.keys(proc)) if (!['type', 'name', 'options'].includes(k)) fail(fn, `${at}unknown key '${k}' in processor (expected type, name, options)`);
    if (typeof proc.type !== 'string') fail(fn, `${at}processor.type must be a string (got ${describe(proc.type)})`);
    const t = processorType(proc.type, fn, at);
    const name = proc.name ?? proc.type;
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(fn, `${at}processor.name must be an identifier (got ${JSON.stringify(name)})`);
    const where = `dag[${i}] '${name}' (${t.type}): `;
    const options = validateOptions(t, proc.options, fn, where);
    if (!Array.isArray(entry.inputs) || entry.inputs.some((r) => typeof r !== 'string')) fail(fn, `${where}inputs must be an array of strings (got ${describe(entry.inputs)})`);
    const inputs = entry.inputs as string[];
    if (inputs.length !== t.inputs.length) {
      fail(fn, `${where}takes ${t.inputs.length} input${t.inputs.length === 1 ? '' : 's'} (${t.inputs.join(', ')}), got ${inputs.length}`);
    }
    return { index: i, name, type: t, options, rawOptions: proc.options as Record<string, unknown> | undefined, inputs, where };
  });
  const byName = new Map<string, number>();
  for (const e of entries) {
    const prev = byName.get(e.name);
    if (prev !== undefined) fail(fn, `${e.where}duplicate processor name '${e.name}' (also dag[${prev}]); give one of them a name`);
    byName.set(e.name, e.index);
  }

  // 2. References.
  const resolve = (text: string, where: string): Ref => {
    const parts = text.split('/').filter((s) => s.length > 0);
    if (parts.length === 0) fail(fn, `${where}empty reference ${JSON.stringify(text)}`);
    if (parts[0] === 'inputs' && parts.length > 1) return { text, from: -1, path: parts.slice(1).join('/') };
    const j = byName.get(parts[0]);
    if (j === undefined) return { text, from: -1, path: parts.join('/') };
    const t = entries[j].type;
    const split = isSplit(t);
    if (parts.length === 1) return { text, from: j, path: `${parts[0]}/signal` };
    if (parts[1] === 'signal' && parts.length === 2) return { text, from: j, path: parts.join('/') };
    if (parts[1] === 'controls' && split) return { text, from: j, path: parts.join('/') };
    const what = split ? `'${parts[0]}/signal' or '${parts[0]}/controls[/key]'` : `'${parts[0]}/signal'`;
    return fail(fn, `${where}reference '${text}': processor '${parts[0]}' (${t.type}) outputs ${what}`);
  };
  const refs = entries.map((e) => e.inputs.map((r) => resolve(r, e.where)));
  const inputKeys = new Set<string>();
  refs.flat().forEach((r) => r.from < 0 && inputKeys.add(r.path.split('/')[0]));
  for (const k of inputKeys) {
    const near = nearestKey(k, [...byName.keys()]);
    if (near !== undefined && near !== k) {
      // Likely a typo of a processor name rather than an input: say so, but only when unambiguous.
      const e = entries.find((_x, i) => refs[i].some((r) => r.from < 0 && r.path.split('/')[0] === k))!;
      if (k.toLowerCase() === near.toLowerCase() || k.replace(/_/g, '') === near.replace(/_/g, '')) {
        fail(fn, `${e.where}reference '${k}' is neither an input nor a processor; did you mean processor '${near}'?`);
      }
    }
  }

  // 3. Topological order (Kahn), stable in list order; a cycle is printed.
  const deps = refs.map((rs) => [...new Set(rs.filter((r) => r.from >= 0).map((r) => r.from))]);
  const order: number[] = [];
  const done = new Set<number>();
  while (order.length < entries.length) {
    const next = entries.findIndex((_, i) => !done.has(i) && deps[i].every((d) => done.has(d)));
    if (next < 0) {
      const cycle = findCycle(deps, done);
      fail(fn, `the DAG has a cycle: ${cycle.map((i) => `'${entries[i].name}'`).join(' → ')}`);
    }
    order.push(next);
    done.add(next);
  }
  const outText = c.output;
  if (outText !== undefined && typeof outText !== 'string') fail(fn, `config.output must be a reference string (got ${describe(outText)})`);
  const outRef = resolve((outText as string | undefined) ?? `${entries[entries.length - 1].name}/signal`, 'output: ');
  if (outRef.from < 0) fail(fn, `output: '${outRef.text}' names no processor (processors: ${[...byName.keys()].join(', ')})`);

  // 4. Build: one fanout stage per processor over the running environment.
  const groupFn = 'processorGroup';
  const envKeys = [...inputKeys];
  const stages: Node[] = [checkInputs(groupFn, [...envKeys])];
  for (const i of order) {
    const e = entries[i];
    const made = buildProcessor(fn, e.type, e.options, e.where);
    const gather = fanout(refs[i].map((r) => pick(r.path)));
    const body = 'controls' in made
      ? seq(gather, packer(e.type), made.controls, fanout({ controls: passthrough(), signal: made.signal }))
      : seq(gather, packer(e.type), made, asSignal());
    const stage = fanout({ ...Object.fromEntries(envKeys.map((k) => [k, pick(k)])), [e.name]: labelled(groupFn, e.where, named(e.name, body)) });
    stages.push(stage);
    envKeys.push(e.name);
  }
  stages.push(outputs === 'all' ? fanout({ ...Object.fromEntries(envKeys.map((k) => [k, pick(k)])), out: pick(outRef.path) }) : pick(outRef.path));
  const inner = seq(...stages);
  const node: Node = { name: `processorGroup(${order.map((i) => entries[i].name).join(', ')})`, forward: inner.forward, vjp: inner.vjp };
  const normalized: DagConfig = {
    dag: entries.map((e) => ({
      processor: { type: e.type.type, name: e.name, ...(e.rawOptions !== undefined ? { options: jsonOptions(e.options) } : {}) },
      inputs: [...e.inputs],
    })),
    ...(outText !== undefined ? { output: outText as string } : {}),
  };
  compiledGroups.set(node, { config: normalized, processors: entries.map((e) => ({ name: e.name, type: e.type, options: e.options })) });
  return node;
}

function isSplit(t: ProcessorType): boolean {
  return t.splitControls === true;
}

function findCycle(deps: number[][], done: Set<number>): number[] {
  const left = deps.map((_, i) => i).filter((i) => !done.has(i));
  for (const start of left) {
    const path: number[] = [];
    const seen = new Map<number, number>();
    let cur = start;
    while (!seen.has(cur)) {
      seen.set(cur, path.length);
      path.push(cur);
      const nxt = deps[cur].find((d) => !done.has(d));
      if (nxt === undefined) break;
      cur = nxt;
    }
    if (seen.has(cur) && path.length > 0 && deps[path[path.length - 1]].includes(cur)) {
      const from = seen.get(cur)!;
      return [...path.slice(from), cur];
    }
  }
  return left;
}

function jsonOptions(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v instanceof Float64Array ? Array.from(v) : v]));
}

/** Run the factory, re-raising its errors with the DAG entry. */
function buildProcessor(fn: string, t: ProcessorType, options: Record<string, unknown>, where: string): Node | { controls: Node; signal: Node } {
  try {
    return t.create(options);
  } catch (err) {
    if (err instanceof DdspError) fail(fn, `${where}${err.message}`);
    throw err;
  }
}

/** A node whose errors (forward, vjp, pullback) are re-raised under `fn` with the entry's label. */
function labelled(fn: string, where: string, node: Node): Node {
  const wrap = <T>(body: () => T): T => {
    try {
      return body();
    } catch (err) {
      if (err instanceof DdspError) {
        const e = new DdspError(fn, `${where}${err.message}`);
        (e as { cause?: unknown }).cause = err;
        throw e;
      }
      throw err;
    }
  };
  return {
    name: node.name,
    forward: (x, p) => wrap(() => node.forward(x, p)),
    vjp: (x, p) => {
      const [y, back] = wrap(() => node.vjp(x, p));
      return [y, (g) => wrap(() => back(g))];
    },
  };
}

/** The group's first stage: the input must be a record holding every input key the DAG reads. */
function checkInputs(fn: string, keys: readonly string[]): Node {
  const check = (x: Tree) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) {
      fail(fn, `the input must be a record with ${keys.map((k) => `'${k}'`).join(', ')} (got ${describe(x)})`);
    }
    for (const k of keys) {
      if ((x as Record<string, unknown>)[k] === undefined) fail(fn, `the input has no '${k}' (the DAG reads: ${keys.join(', ')})`);
    }
  };
  return {
    name: 'inputs',
    forward: (x) => (check(x), x),
    vjp: (x) => (check(x), [x, (g) => [g, undefined]]),
  };
}

/** Ordered input values → the processor's packing (one value, a pair, or a record). */
function packer(t: ProcessorType): Node {
  return {
    name: `pack(${t.type})`,
    forward: (x) => packInputs(t, x as readonly Tree[]),
    vjp: (x) => {
      const pullback: Pullback = (g) => {
        if (g === undefined) return [undefined, undefined];
        if (t.packing === 'single') return [[g], undefined];
        if (t.packing === 'pair') return [g, undefined];
        const r = g as Record<string, Cotangent>;
        return [t.inputs.map((k) => r[k]), undefined];
      };
      return [packInputs(t, x as readonly Tree[]), pullback];
    },
  };
}

function asSignal(): Node {
  return {
    name: 'signal',
    forward: (x) => ({ signal: x }),
    vjp: (x) => [{ signal: x }, (g) => [g === undefined ? undefined : (g as Record<string, Cotangent>).signal, undefined]],
  };
}

function passthrough(): Node {
  return { name: 'controls', forward: (x) => x, vjp: (x) => [x, (g) => [g, undefined]] };
}

/**
 * Compile a DAG config (a TS value) into a Node.
 * @example
 *   const synth = processorGroup({ dag: [
 *     { processor: { type: 'harmonic', options: { nSamples: 64000 } }, inputs: ['amps', 'hd', 'f0'] },
 *     { processor: { type: 'reverb' }, inputs: ['harmonic/signal'] } ] });
 *   synth.forward({ amps, hd, f0 }, { reverb: { ir } })
 */
export function processorGroup(config: DagConfig, opts: ProcessorGroupOptions = {}): Node {
  return compileGroup('processorGroup', config, opts);
}

/**
 * Build a processor group from JSON text (or an already parsed JSON value).
 * @example fromConfig(await readFile('synth.json', 'utf8'))
 */
export function fromConfig(json: string | DagConfig, opts: ProcessorGroupOptions = {}): Node {
  if (typeof json !== 'string' && (typeof json !== 'object' || json === null || Array.isArray(json))) {
    fail('fromConfig', `json must be JSON text or a parsed config { dag, output? } (got ${describe(json)})`);
  }
  let config: unknown = json;
  if (typeof json === 'string') {
    try {
      config = JSON.parse(json);
    } catch (e) {
      fail('fromConfig', `not valid JSON: ${(e as Error).message}`);
    }
  }
  return compileGroup('fromConfig', config, opts);
}

/**
 * The config a group was built from, normalised (names filled in), as a JSON-ready value:
 * `fromConfig(JSON.stringify(toConfig(node)))` builds the same graph.
 */
export function toConfig(node: Node): DagConfig {
  const c = typeof node === 'object' && node !== null ? compiledGroups.get(node) : undefined;
  if (c === undefined) fail('toConfig', 'node was not built from a config (use processorGroup, fromConfig or fromGin)');
  return JSON.parse(JSON.stringify(c.config)) as DagConfig;
}

/**
 * Initial trainable parameters of a group, by processor name, with DDSP's initialisers
 * (reverb IR N(0, 1e-6), ExpDecayReverb gain 2 and decay 4, FilteredNoiseReverb magnitudes
 * N(0, 1e-2), …). Seeded.
 * @example const params = initParams(synth); // { reverb: { ir: Float64Array(48000) } }
 */
export function initParams(node: Node, seed = 0): Params {
  const c = typeof node === 'object' && node !== null ? compiledGroups.get(node) : undefined;
  if (c === undefined) fail('initParams', 'node was not built from a config (use processorGroup, fromConfig or fromGin)');
  if (!Number.isInteger(seed)) fail('initParams', `seed must be an integer (got ${seed})`);
  const out: Record<string, Params> = {};
  c.processors.forEach((p, i) => {
    if (p.type.initParams) out[p.name] = p.type.initParams(p.options, seed + i);
  });
  return out;
}
