/**
 * Preparation across machines on a real job queue: BullMQ on Redis. `ddsp prepare … --queue
 * redis://host:6379/0` enqueues one job per file and waits for the results (writing the manifest
 * and statistics as a local run would); `ddsp worker --queue redis://…` runs on any machine that
 * sees the same files and output folder (a shared filesystem), processing jobs with retries.
 * A file that cannot be decoded is a result (reported and skipped), not a failure; a job that
 * throws (a worker crash, a full disk) is retried up to 3 times with exponential back-off.
 */
import type { FileOptions, FileResult } from './prepare.ts';

export const QUEUE_NAME = 'ddsp-prepare';

export interface PrepareJob {
  path: string;
  out: string;
  options: FileOptions;
}

/** ioredis connection options from a redis:// or rediss:// URL. */
export function connectionOf(url: string) {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--queue must be a redis:// URL (got '${url}')`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`--queue must be a redis:// or rediss:// URL (got '${url}')`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`--queue: the database in '${url}' must be a number`);
  return {
    host: u.hostname || '127.0.0.1', port: Number(u.port || 6379), db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}), ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's requirement for blocking connections; a bounded connect time so a wrong URL fails fast.
    maxRetriesPerRequest: null, connectTimeout: 5000,
    // Reconnect for about 10 s (Redis restarting), then give up rather than hang.
    retryStrategy: (times: number) => (times > 20 ? null : 500),
  };
}

/** Wait for connections to close, at most 3 s (a connection still trying to connect may never). */
async function closeWithin(closing: Promise<unknown>[]): Promise<void> {
  await Promise.race([Promise.allSettled(closing), new Promise((r) => setTimeout(r, 3000).unref?.())]);
}

/** A client for `prepare --queue`: run(job) resolves to the file's result once a worker has done it. */
export async function queueClient(url: string, jobTimeoutSeconds: number) {
  const connection = connectionOf(url);
  const { Queue, QueueEvents } = await import('bullmq');
  const queue = new Queue<PrepareJob, FileResult>(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  let lastError = '';
  const onError = (e: Error) => {
    lastError = e.message;
  };
  queue.on('error', onError);
  events.on('error', onError);
  try {
    await Promise.race([
      Promise.all([queue.waitUntilReady(), events.waitUntilReady()]),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`cannot reach Redis at ${url} within 10 s${lastError ? ` (${lastError})` : ''}`)), 10_000)),
    ]);
  } catch (e) {
    await closeWithin([queue.close(), events.close()]);
    throw e;
  }
  return {
    async run(job: PrepareJob): Promise<FileResult> {
      const j = await queue.add('prepare', job, { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: 100 });
      try {
        return (await j.waitUntilFinished(events, jobTimeoutSeconds * 1000)) as FileResult;
      } catch (e) {
        return { ok: false, error: `${job.path}: the queue job failed (${(e as Error).message}); is a worker running (ddsp worker --queue ${url})?` };
      }
    },
    async close() {
      await closeWithin([queue.close(), events.close()]);
    },
  };
}

/**
 * `ddsp worker`: process prepare jobs until stopped (SIGINT/SIGTERM) or, with idleExitSeconds,
 * once no job has come for that long. Resolves to the number of jobs done.
 */
export async function runWorker(url: string, o: { concurrency: number; idleExitSeconds?: number; log: (line: string) => void }): Promise<number> {
  const connection = connectionOf(url);
  const { Worker } = await import('bullmq');
  const { prepareFile } = await import('./prepare.ts');
  let done = 0;
  let active = 0;
  let lastActivity = Date.now();
  const worker = new Worker<PrepareJob, FileResult>(QUEUE_NAME, async (job) => {
    active++;
    try {
      const r = await prepareFile(job.data.path, job.data.out, job.data.options);
      o.log(`worker: ${job.data.path}: ${r.ok ? `${r.examples} examples` : `skipped — ${r.error}`}`);
      return r;
    } finally {
      active--;
      done++;
      lastActivity = Date.now();
    }
  }, { connection, concurrency: o.concurrency });
  worker.on('error', (e) => o.log(`worker: Redis: ${e.message}`));
  worker.on('failed', (job, e) => o.log(`worker: ${job?.data.path ?? '?'}: attempt ${job?.attemptsMade ?? '?'} failed (${e.message})`));
  await worker.waitUntilReady();
  o.log(`worker: waiting for jobs on ${url} (queue ${QUEUE_NAME}, concurrency ${o.concurrency})`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (o.idleExitSeconds !== undefined) {
      const timer = setInterval(() => {
        if (active === 0 && Date.now() - lastActivity > o.idleExitSeconds! * 1000) {
          clearInterval(timer);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        }
      }, 200);
    }
  });
  // The jobs are done by now: a connection that errs while closing is reported, not fatal.
  await worker.close().catch((e: Error) => o.log(`worker: closing the Redis connection: ${e.message}`));
  o.log(`worker: stopped after ${done} job${done === 1 ? '' : 's'}`);
  return done;
}
