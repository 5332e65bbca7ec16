/**
 * A loss pool's helper thread (see lossPool): waits on its control word, computes the scales it
 * is sent into the shared gradient buffers, replies with their totals and terms.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { DONE, FAILED, JOB, QUIT } from './lossPoolProtocol.ts';
import { oneShotScales, type ScaleResult, type SpectralLossOptions } from './spectralLoss.ts';


interface Job {
  fn: string;
  opts: SpectralLossOptions;
  indices: number[];
  withGrad: boolean;
  value: Float64Array;
  target: Float64Array;
  grads: Float64Array[];
}

const { ctl, port } = workerData as { ctl: Int32Array; port: MessagePort };

for (;;) {
  Atomics.wait(ctl, 0, 0);
  const s = Atomics.load(ctl, 0);
  if (s === QUIT) break;
  if (s !== JOB) continue;
  const job = receiveMessageOnPort(port)?.message as Job | undefined;
  try {
    if (job === undefined) throw new Error('the job message did not arrive');
    const P = oneShotScales(job.fn, job.target, job.opts);
    const results: ScaleResult[] = job.indices.map((i, j) => {
      const g = job.withGrad ? job.grads[j] : null;
      if (g) g.fill(0);
      const r = P.scale(i, job.value, g);
      Atomics.add(ctl, 1, 1);
      return r;
    });
    port.postMessage({ results });
    Atomics.store(ctl, 0, DONE);
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
    Atomics.store(ctl, 0, FAILED);
  }
  Atomics.notify(ctl, 0);
  // Wait for the caller to collect the reply before looking for the next job.
  while (Atomics.load(ctl, 0) === DONE || Atomics.load(ctl, 0) === FAILED) Atomics.wait(ctl, 0, Atomics.load(ctl, 0), 1000);
}
port.close();
