/** A progress line for long jobs: a bar rewritten in place on a terminal, a line every few seconds otherwise. */
import type { TrainProgress } from '../train/loop.ts';

const clock = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);

export function progressLine(log: (line: string) => void, tty: boolean, everyMs = 5000) {
  let lastAt = 0;
  let lastLine = '';
  const f = (p: TrainProgress) => {
    const frac = p.step / p.steps;
    const width = 24;
    const full = Math.round(frac * width);
    const line = `${tty ? `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ` : ''}step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)}  ${p.stepsPerSecond.toFixed(2)} steps/s  ETA ${clock(p.etaSeconds)}`;
    lastLine = line;
    const now = performance.now();
    if (tty) process.stdout.write(`\r${line}`);
    else if (now - lastAt >= everyMs || p.step === p.steps) {
      log(line);
      lastAt = now;
    }
  };
  f.done = () => {
    if (tty && lastLine) process.stdout.write('\n');
  };
  return f;
}
