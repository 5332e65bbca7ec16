/**
 * The worker-thread side of {@link dataParallel}: builds the task once per (module, config) and
 * runs it on the shard it is given, returning the shard's summed loss and gradient with the
 * gradient's tensors as plain Float64Arrays (structured-clone friendly).
 */
import type { Params } from '../core/tree.ts';
import { joinTensors, splitTensors } from './checkpoint.ts';

type Task = (params: Params, examples: unknown[]) => { value: number; grad: Params };
const tasks = new Map<string, Task>();
let hooks: Promise<unknown> | undefined;

/**
 * Running from the TypeScript sources under Node (tests, `tsx` scripts), a worker thread does not
 * inherit tsx's ESM hooks on Node 20: register them here before importing a .ts task module.
 * Deno and Bun run TypeScript natively; the compiled package (dist/) needs nothing.
 */
export function tsHooks(module: string): Promise<unknown> {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (!module.endsWith('.ts') || g.Deno !== undefined || g.Bun !== undefined) return Promise.resolve();
  const api = 'tsx/esm/api';
  hooks ??= import(api).then((m: { register: () => unknown }) => m.register());
  return hooks;
}

export default async function run(job: { module: string; config: string; skeleton: unknown; tensors: Record<string, Float64Array>; examples: unknown[] }) {
  const key = `${job.module}\n${job.config}`;
  let task = tasks.get(key);
  if (task === undefined) {
    await tsHooks(job.module);
    const m = await import(job.module);
    task = m.createTask(JSON.parse(job.config)) as Task;
    tasks.set(key, task);
  }
  const params = joinTensors(job.skeleton, job.tensors) as Params;
  const r = task(params, job.examples);
  const g = splitTensors(r.grad, 'g');
  return { value: r.value, grad: g.tensors, skeleton: g.skeleton };
}
