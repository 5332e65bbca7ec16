/** The worker-thread side of `ddsp prepare --workers N`: one file per task. */
import { tsHooks } from '../train/workerEntry.ts';

export default async function run(job: { path: string; out: string; options: import('./prepare.ts').FileOptions }) {
  const self = import.meta.url;
  await tsHooks(self);
  const { prepareFile } = await import(self.endsWith('.ts') ? './prepare.ts' : './prepare.js');
  return prepareFile(job.path, job.out, job.options);
}
