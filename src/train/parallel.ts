/**
 * Data-parallel gradients on every core, through worker threads from a pool (piscina). A batch is
 * cut into `shards` contiguous groups of examples; each shard's loss and gradient is computed by
 * a *task* — a function built in each worker from a module you name and a JSON config — and the
 * main thread sums the shards' results in shard order. The result depends on the shards, never
 * on the number of workers: with the same shards, 0 workers (all in this thread), 1 or 16 give
 * bit-identical gradients, so training is reproducible whatever machine runs it.
 *
 * A task module exports `createTask(config)`, returning `(params, examples) → { value, grad }`
 * with value and grad *summed* over the shard's examples (the caller divides by the batch size).
 */
import { cpus } from 'node:os';
import { fail, readOptions, within } from '../core/errors.ts';
import type { Params } from '../core/tree.ts';
import { joinTensors, splitTensors } from './checkpoint.ts';
import { workerExecArgv } from './workerArgs.ts';

export type Task<P extends Params = Params, E = unknown> = (params: P, examples: E[]) => { value: number; grad: P };

export interface DataParallelOptions {
  /** URL or absolute path of a module exporting createTask(config). */
  module: string | URL;
  /** JSON-able configuration handed to createTask in every worker. */
  config: unknown;
  /** Worker threads. 0: run every shard in this thread. Default: the number of CPU cores. */
  workers?: number;
  /**
   * Arguments for the worker threads' runtime (e.g. ['--import', 'tsx'] for TS sources). Default:
   * this process's module hooks (see workerExecArgv), with tsx added for TypeScript sources on Node.
   */
  execArgv?: string[];
  /**
   * The module's createTask, when this thread already has it imported: shards computed here
   * (workers 0) then use it instead of importing `module` again.
   */
  createTask?: (config: unknown) => Task<any, any>;
}

export interface DataParallel<P extends Params, E> {
  /**
   * Mean loss and gradient over `examples`, computed as `shards` contiguous shards (default: one
   * per example) summed in order, then divided by the number of examples.
   */
  valueAndGrad(params: P, examples: E[], shards?: number): Promise<{ value: number; grad: P }>;
  /** Stop the worker threads. */
  close(): Promise<void>;
  readonly workers: number;
}

/** The module of the autoencoder's shard task (src/train/autoencoderTask), for `dataParallel({ module })`. */
export const autoencoderTaskModule: URL = new URL(import.meta.url.endsWith('.ts') ? './autoencoderTask.ts' : './autoencoderTask.js', import.meta.url);

// The pool's worker file: the TS source when running from source, the compiled JS from dist/.
const entry = new URL(import.meta.url.endsWith('.ts') ? './workerEntry.ts' : './workerEntry.js', import.meta.url);

function addInto(acc: Record<string, Float64Array>, g: Record<string, Float64Array>): void {
  for (const [k, v] of Object.entries(g)) {
    const a = acc[k];
    if (a === undefined) acc[k] = v.slice();
    else for (let i = 0; i < v.length; i++) a[i] += v[i];
  }
}

/**
 * @example
 *   const dp = await dataParallel({ module: new URL('./myTask.js', import.meta.url), config: { preset: 'small' } });
 *   const { value, grad } = await dp.valueAndGrad(params, batch);   // same numbers with any worker count
 *   await dp.close();
 */
export async function dataParallel<P extends Params, E>(opts: DataParallelOptions): Promise<DataParallel<P, E>> {
  const fn = 'dataParallel';
  if (opts === undefined) fail(fn, 'opts must be { module, config, workers? }');
  const { module, config, workers = cpus().length, execArgv, createTask } = readOptions(fn, opts, ['module', 'config', 'workers', 'execArgv', 'createTask']);
  if (createTask !== undefined && typeof createTask !== 'function') fail(fn, 'opts.createTask must be a function');
  const moduleUrl = module instanceof URL ? module.href : typeof module === 'string' && module.length > 0 ? (module.startsWith('file:') ? module : new URL(`file://${module}`).href) : fail(fn, 'opts.module must be a URL or an absolute path');
  if (!Number.isInteger(workers) || workers < 0 || workers > 256) fail(fn, `opts.workers must be an integer in [0, 256] (got ${workers})`);
  if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string'))) fail(fn, 'opts.execArgv must be an array of strings');
  let configJson: string;
  try {
    configJson = JSON.stringify(config ?? null);
  } catch (e) {
    return fail(fn, `opts.config must be JSON-serialisable: ${(e as Error).message}`);
  }
  let local: Task<P, E> | undefined;
  // A task built here validates its config now, under this function's name.
  if (createTask !== undefined) local = within(fn, () => createTask(JSON.parse(configJson)) as Task<P, E>);
  const localTask = async () => {
    if (local === undefined) {
      const m = await import(moduleUrl);
      if (typeof m.createTask !== 'function') fail(fn, `${moduleUrl} does not export createTask(config)`);
      local = m.createTask(JSON.parse(configJson)) as Task<P, E>;
    }
    return local;
  };
  type PoolLike = { run(task: unknown): Promise<unknown>; destroy(): Promise<void> };
  let pool: PoolLike | undefined;
  if (workers > 0) {
    const { Piscina } = await import('piscina');
    pool = new Piscina({ filename: entry.href, minThreads: workers, maxThreads: workers, execArgv: execArgv ?? workerExecArgv(entry) }) as unknown as PoolLike;
  }
  return {
    workers,
    async valueAndGrad(params, examples, shards = examples?.length) {
      if (!Array.isArray(examples) || examples.length === 0) fail(fn, 'examples must be a non-empty array');
      if (!Number.isInteger(shards) || shards < 1 || shards > examples.length) fail(fn, `shards must be an integer in [1, ${examples.length}] (got ${shards})`);
      const n = examples.length;
      const bounds = Array.from({ length: shards + 1 }, (_, i) => Math.round((i * n) / shards));
      const { skeleton, tensors } = splitTensors(params, 'p');
      const results = await Promise.all(
        Array.from({ length: shards }, async (_, s) => {
          const part = examples.slice(bounds[s], bounds[s + 1]);
          if (pool) {
            try {
              return (await pool.run({ module: moduleUrl, config: configJson, skeleton, tensors, examples: part })) as { value: number; grad: Record<string, Float64Array>; skeleton: unknown };
            } catch (e) {
              return fail(fn, `shard ${s} failed in a worker: ${(e as Error)?.message ?? String(e)}`);
            }
          }
          const task = await localTask();
          const r = within(fn, () => task(params, part));
          const g = splitTensors(r.grad, 'g');
          return { value: r.value, grad: g.tensors, skeleton: g.skeleton };
        }),
      );
      // Sum the shards in order: the result does not depend on which thread computed what.
      let value = 0;
      const acc: Record<string, Float64Array> = {};
      for (const r of results) {
        value += r.value;
        addInto(acc, r.grad);
      }
      for (const v of Object.values(acc)) for (let i = 0; i < v.length; i++) v[i] /= n;
      return { value: value / n, grad: joinTensors(results[0].skeleton, acc) as P };
    },
    async close() {
      if (pool) await pool.destroy();
    },
  };
}
