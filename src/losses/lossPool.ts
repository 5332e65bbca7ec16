/**
 * Helper threads for the spectral loss: each computes some of the loss's FFT scales while the
 * calling thread computes the rest, through shared memory, synchronously (the caller blocks on
 * Atomics.wait while the helpers finish, so `spectralLoss` stays an ordinary function). Scales are
 * summed in their own order whatever thread computed them, so the results are bit-identical to one
 * thread's. Node, Deno and Bun (worker_threads); a round trip costs about 0.07 ms.
 */
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { fail, readOptions } from '../core/errors.ts';
import { workerExecArgv } from '../train/workerArgs.ts';
import { DONE, FAILED, IDLE, JOB, QUIT } from './lossPoolProtocol.ts';
import type { RemoteScales, ScaleJob, ScaleRunner } from './spectralLoss.ts';

export interface LossPoolOptions {
  /** Threads in all, this one included (1: no helpers). Default: the machine's available parallelism. */
  threads?: number;
  /** Runtime arguments for the helper threads (default: this process's module hooks, see dataParallel). */
  execArgv?: string[];
}

export interface LossPool extends ScaleRunner {
  /** Stop the helper threads; the pool cannot be used afterwards. */
  close(): Promise<void>;
}


interface Helper {
  worker: Worker;
  port: MessagePort;
  ctl: Int32Array;
  exited: Promise<void>;
  /** Shared buffers, reused while the length and the number of scales stay the same. */
  value: Float64Array | null;
  target: Float64Array | null;
  grads: Float64Array[];
}

const entry = new URL(import.meta.url.endsWith('.ts') ? './lossPoolEntry.ts' : './lossPoolEntry.js', import.meta.url);

function shared(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * n));
}

/**
 * Start a helper. Running from the TypeScript sources on Node, a worker thread gets no TypeScript
 * loader (not even from `--import tsx` in its execArgv), so a short script registers tsx's hooks
 * (its ESM API, located through tsx's package.json) and then imports the entry.
 */
function spawn(data: object, transferList: MessagePort[], execArgv: string[]): Worker {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (!entry.pathname.endsWith('.ts') || g.Deno !== undefined || g.Bun !== undefined) {
    return new Worker(entry, { workerData: data, transferList, execArgv });
  }
  const req = createRequire(import.meta.url);
  const pkgPath = req.resolve('tsx/package.json');
  const api = (req(pkgPath) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'].import.default;
  const hooks = pathToFileURL(join(dirname(pkgPath), api)).href;
  const boot = `const { workerData } = require('node:worker_threads');
import(workerData.hooks).then((m) => m.register()).then(() => import(workerData.entry)).catch((e) => {
  workerData.port.postMessage({ error: String(e) });
  Atomics.store(workerData.ctl, 2, 1);
  Atomics.notify(workerData.ctl, 0);
});`;
  return new Worker(boot, { eval: true, workerData: { ...data, hooks, entry: entry.href }, transferList, execArgv: [] });
}

/** How long a helper may go without finishing a scale before the pool gives up on it. */
const STALL_MS = 300_000;

/**
 * @example
 *   const pool = lossPool();                    // one thread per core (import { lossPool } from 'ddsp/node')
 *   const { value, grad } = losses.spectralLossValueAndGrad(target, audio, opts, pool);
 *   await pool.close();
 */
export function lossPool(opts: LossPoolOptions = {}): LossPool {
  const fn = 'lossPool';
  const { threads = os.availableParallelism?.() ?? os.cpus().length, execArgv } = readOptions(fn, opts, ['threads', 'execArgv']);
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) fail(fn, `opts.threads must be an integer in [1, 256] (got ${threads})`);
  if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string'))) fail(fn, 'opts.execArgv must be an array of strings');
  const helpers: Helper[] = [];
  for (let k = 1; k < threads; k++) {
    // [state, heartbeat (scales finished), boot failed]
    const ctl = new Int32Array(new SharedArrayBuffer(12));
    const { port1, port2 } = new MessageChannel();
    const worker = spawn({ ctl, port: port2 }, [port2], execArgv ?? workerExecArgv(entry));
    worker.unref();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.on('error', () => {});
    helpers.push({ worker, port: port1, ctl, exited, value: null, target: null, grads: [] });
  }
  let closed = false;

  function startScales(job: ScaleJob): () => RemoteScales[] {
    if (closed) fail(job.fn, 'the loss pool is closed');
    const N = job.value.length;
    const used = helpers.slice(0, job.groups.length);
    used.forEach((h, k) => {
      if (h.value === null || h.value.length !== N) {
        h.value = shared(N);
        h.target = shared(N);
        h.grads = [];
      }
      h.value.set(job.value);
      (h.target as Float64Array).set(job.target);
      const group = job.groups[k];
      while (h.grads.length < group.length) h.grads.push(shared(N));
      h.port.postMessage({
        fn: job.fn, opts: job.opts, indices: group, withGrad: job.withGrad,
        value: h.value, target: h.target, grads: h.grads.slice(0, group.length),
      });
      Atomics.store(h.ctl, 0, JOB);
      Atomics.notify(h.ctl, 0);
    });
    return () => used.map((h, k) => {
      let beat = Atomics.load(h.ctl, 1);
      let since = Date.now();
      for (;;) {
        const s = Atomics.load(h.ctl, 0);
        if (s === DONE || s === FAILED || Atomics.load(h.ctl, 2) === 1) break;
        Atomics.wait(h.ctl, 0, s, 1000);
        const b = Atomics.load(h.ctl, 1);
        if (b !== beat) {
          beat = b;
          since = Date.now();
        } else if (Date.now() - since > STALL_MS) fail(job.fn, `a loss pool thread has not answered in ${STALL_MS / 1000} s; it may have run out of memory`);
      }
      const failed = Atomics.load(h.ctl, 0) === FAILED || Atomics.load(h.ctl, 2) === 1;
      const reply = receiveMessageOnPort(h.port)?.message as { results?: RemoteScales['results']; error?: string } | undefined;
      Atomics.store(h.ctl, 0, IDLE);
      if (failed || reply === undefined || reply.results === undefined) fail(job.fn, `a loss pool thread failed: ${reply?.error ?? 'no reply'}`);
      const indices = job.groups[k];
      return { indices, results: reply.results as RemoteScales['results'], grads: job.withGrad ? h.grads.slice(0, indices.length) : null };
    });
  }

  return {
    threads,
    startScales,
    async close() {
      if (closed) return;
      closed = true;
      for (const h of helpers) {
        Atomics.store(h.ctl, 0, QUIT);
        Atomics.notify(h.ctl, 0);
      }
      // A helper leaves its loop on QUIT, but a TypeScript loader's hooks can keep its thread alive.
      await Promise.all(helpers.map((h) => h.worker.terminate().then(() => h.exited)));
    },
  };
}
