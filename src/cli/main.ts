/**
 * The `ddsp` command: prepare a dataset from audio files, train, resynthesize, timbre transfer,
 * inspect a run, check a processor-graph config. `ddsp <command> --help` for each.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DdspError } from '../core/errors.ts';
import { fromConfig } from '../graph/dag.ts';
import { fromGin } from '../graph/gin.ts';
import { listCheckpoints } from '../train/checkpoint.ts';
import { prepare } from './prepare.ts';
import { synthCmd, readRun } from './synth.ts';
import { trainCmd } from './trainCmd.ts';

type Spec = Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;

const HELP: Record<string, string> = {
  prepare: `ddsp prepare <files or folders…> --out data/ [options]
  Decode audio (WAV), mix to mono, resample to 16 kHz (anti-aliased), track f0 (pYIN) and loudness,
  cut DDSP's windows and write a dataset folder: examples/*.safetensors, manifest.json,
  statistics.json. Rerunning skips files already prepared; unreadable files are reported and skipped.
  --out DIR               dataset folder (required)
  --frame-rate N          feature frames per second (default 250; DDSP-VST uses 50)
  --example-seconds S     window length (default 4)
  --hop-seconds S         window hop (default 1)
  --f0-min HZ, --f0-max HZ  pitch range (default 40, 2000)
  --shard i/n             only the files whose index ≡ i (mod n); writes manifest-i-of-n.json
  --workers N             prepare N files at a time on worker threads (default 0: one at a time)
  --queue redis://HOST:PORT/DB  enqueue one BullMQ job per file for \`ddsp worker\`s (a shared
                          filesystem) and wait for them; --job-timeout S per file (default 600)
  --force                 prepare every file again
  example: ddsp prepare recordings/ --out data/`,
  train: `ddsp train --data data/ --out run/ [options]
  Train DDSP's autoencoder on a prepared dataset, data-parallel on every core, checkpointing to
  run/ (rerun to resume; Ctrl-C saves a checkpoint and stops). Writes run/config.json,
  run/losses.json and run/loss.svg.
  --data DIR      prepared dataset (required)      --out DIR     run folder (required)
  --preset NAME   small (default), tinyInstrument, soloInstrument, vst
  --steps N       total steps (default 1000)       --batch N     examples per step (default 4)
  --workers N     worker threads (default: cores)  --lr X        Adam learning rate (default 1e-3)
  --lr-final X    rate at the last step, exponentially from --lr (default: DDSP's ×0.98 per
                  10k steps; --lr 3e-3 --lr-final 3e-4 anneals as npm run example:train does)
  --every N       checkpoint interval (default 50) --keep N      checkpoints kept (default 3)
  --seed N        initialisation and batch order (default 0)
  example: ddsp train --data data/ --out run/ --steps 1200`,
  resynth: `ddsp resynth run/ input.wav -o out.wav
  Play the trained model from the input's f0 (pYIN) and loudness; prints loudness and f0 L1.
  example: ddsp resynth run/ flute.wav -o flute-resynth.wav`,
  transfer: `ddsp transfer run/ voice.wav -o out.wav [options]
  Timbre transfer: the input's pitch and loudness played by the trained instrument.
  --auto-adjust           shift whole octaves toward the dataset's mean pitch and map loudness
                          onto the dataset's loudness quantiles (as DDSP's colab)
  --octave-shift N        extra octaves (default 0)   --loudness-shift DB  extra dB (default 0)
  --quiet-db DB           lower unvoiced frames by DB (default 20)
  example: ddsp transfer run/ voice.wav -o violin.wav --auto-adjust`,
  info: `ddsp info run/
  The run's preset, parameters, checkpoints, dataset and last loss.
  example: ddsp info run/`,
  worker: `ddsp worker --queue redis://HOST:PORT/DB [--concurrency N] [--idle-exit S]
  Process \`ddsp prepare --queue\` jobs (3 attempts each, exponential back-off) until Ctrl-C, or
  once no job has come for S seconds. Run it where the audio files and the output folder are visible.
  example: ddsp worker --queue redis://10.0.0.5:6379/0 --concurrency 2`,
  graph: `ddsp graph check config.json|config.gin
  Load a processor-graph config (JSON, or DDSP gin text) and list its processors and parameters.
  example: ddsp graph check configs/harmonicPlusNoise.json`,
};

const USAGE = `usage: ddsp <command> [options]   (ddsp <command> --help)
commands:
  prepare    audio files → a dataset (f0, loudness, 4-s windows)
  train      train DDSP's autoencoder on a dataset
  resynth    resynthesize audio with a trained model
  transfer   timbre transfer: your pitch and loudness, the model's instrument
  info       describe a training run
  worker     prepare files from a job queue (Redis, BullMQ)
  graph      check a processor-graph config`;

function parse(_cmd: string, args: string[], options: Spec): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
}

function num(cmd: string, name: string, v: string | boolean | undefined, fallback: number, integer = false): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) throw new UsageError(cmd, `--${name} must be ${integer ? 'an integer' : 'a number'} (got '${v}')`);
  return x;
}

class UsageError extends Error {
  constructor(readonly cmd: string, message: string) {
    super(message);
  }
}

export interface CliIO {
  log: (line: string) => void;
  tty?: boolean;
}

/** Run the command line `args` (without the program name); resolves to the exit code. */
export async function main(args: string[], io: CliIO = { log: (l) => console.log(l), tty: process.stdout.isTTY === true }): Promise<number> {
  const [cmd, ...rest] = args;
  const log = io.log;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    log(USAGE);
    return cmd === undefined ? 2 : 0;
  }
  if (!(cmd in HELP)) {
    log(`ddsp: unknown command '${cmd}'\n${USAGE}`);
    return 2;
  }
  try {
    if (cmd === 'prepare') {
      const { values: v, positionals } = parse(cmd, rest, {
        out: { type: 'string' }, 'frame-rate': { type: 'string' }, 'example-seconds': { type: 'string' }, 'hop-seconds': { type: 'string' },
        'f0-min': { type: 'string' }, 'f0-max': { type: 'string' }, shard: { type: 'string' }, force: { type: 'boolean' }, workers: { type: 'string' },
        queue: { type: 'string' }, 'job-timeout': { type: 'string' },
      });
      if (v.help) return (log(HELP.prepare), 0);
      if (!v.out) throw new UsageError(cmd, '--out DIR is required');
      if (positionals.length === 0) throw new UsageError(cmd, 'give at least one audio file or folder');
      let shard: { index: number; count: number } | undefined;
      if (v.shard !== undefined) {
        const m = /^(\d+)\/(\d+)$/.exec(String(v.shard));
        if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new UsageError(cmd, `--shard must be i/n with 0 ≤ i < n (got '${v.shard}')`);
        shard = { index: Number(m[1]), count: Number(m[2]) };
      }
      const frameRate = num(cmd, 'frame-rate', v['frame-rate'], 250);
      if (!Number.isInteger(16000 / frameRate)) throw new UsageError(cmd, `--frame-rate must divide 16000 (got ${frameRate})`);
      const r = await prepare({
        inputs: positionals, out: String(v.out), sampleRate: 16000, frameRate,
        exampleSeconds: num(cmd, 'example-seconds', v['example-seconds'], 4), hopSeconds: num(cmd, 'hop-seconds', v['hop-seconds'], 1),
        f0Min: num(cmd, 'f0-min', v['f0-min'], 40), f0Max: num(cmd, 'f0-max', v['f0-max'], 2000), shard, force: v.force === true, log,
        workers: num(cmd, 'workers', v.workers, 0, true),
        ...(v.queue !== undefined ? { queue: String(v.queue), jobTimeout: num(cmd, 'job-timeout', v['job-timeout'], 600) } : {}),
      });
      return r.examples > 0 ? 0 : 1;
    }
    if (cmd === 'train') {
      const { values: v, positionals } = parse(cmd, rest, {
        data: { type: 'string' }, out: { type: 'string' }, preset: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' },
        workers: { type: 'string' }, lr: { type: 'string' }, 'lr-final': { type: 'string' }, every: { type: 'string' }, keep: { type: 'string' }, seed: { type: 'string' },
      });
      if (v.help) return (log(HELP.train), 0);
      if (positionals.length > 0) throw new UsageError(cmd, `unexpected argument '${positionals[0]}' (use --data and --out)`);
      if (!v.data || !v.out) throw new UsageError(cmd, '--data DIR and --out DIR are required');
      const pos = (name: string, x: number) => {
        if (!(x >= 1)) throw new UsageError(cmd, `--${name} must be at least 1 (got ${x})`);
        return x;
      };
      const pos0 = (name: string, x: number) => {
        if (!(x > 0)) throw new UsageError(cmd, `--${name} must be positive (got ${x})`);
        return x;
      };
      await trainCmd({
        data: String(v.data), out: String(v.out), preset: String(v.preset ?? 'small'),
        steps: pos('steps', num(cmd, 'steps', v.steps, 1000, true)), batch: pos('batch', num(cmd, 'batch', v.batch, 4, true)),
        ...(v.workers !== undefined ? { workers: num(cmd, 'workers', v.workers, 0, true) } : {}),
        lr: pos0('lr', num(cmd, 'lr', v.lr, 1e-3)),
        ...(v['lr-final'] !== undefined ? { lrFinal: pos0('lr-final', num(cmd, 'lr-final', v['lr-final'], 1e-3)) } : {}),
        every: pos('every', num(cmd, 'every', v.every, 50, true)), keep: pos('keep', num(cmd, 'keep', v.keep, 3, true)),
        seed: num(cmd, 'seed', v.seed, 0, true), log, tty: io.tty === true,
      });
      return 0;
    }
    if (cmd === 'resynth' || cmd === 'transfer') {
      const spec: Spec = { output: { type: 'string', short: 'o' } };
      if (cmd === 'transfer') Object.assign(spec, { 'auto-adjust': { type: 'boolean' }, 'octave-shift': { type: 'string' }, 'loudness-shift': { type: 'string' }, 'quiet-db': { type: 'string' } });
      const { values: v, positionals } = parse(cmd, rest, spec);
      if (v.help) return (log(HELP[cmd]), 0);
      if (positionals.length !== 2) throw new UsageError(cmd, `give the run folder and one input file (got ${positionals.length} argument${positionals.length === 1 ? '' : 's'})`);
      if (!v.output) throw new UsageError(cmd, '-o out.wav is required');
      await synthCmd({
        run: positionals[0], input: positionals[1], output: String(v.output), log,
        ...(cmd === 'transfer' ? {
          transfer: {
            autoAdjust: v['auto-adjust'] === true, octaveShift: num(cmd, 'octave-shift', v['octave-shift'], 0, true),
            loudnessShift: num(cmd, 'loudness-shift', v['loudness-shift'], 0), quietDb: num(cmd, 'quiet-db', v['quiet-db'], 20),
          },
        } : {}),
      });
      return 0;
    }
    if (cmd === 'worker') {
      const { values: v, positionals } = parse(cmd, rest, { queue: { type: 'string' }, concurrency: { type: 'string' }, 'idle-exit': { type: 'string' } });
      if (v.help) return (log(HELP.worker), 0);
      if (positionals.length > 0) throw new UsageError(cmd, `unexpected argument '${positionals[0]}'`);
      if (!v.queue) throw new UsageError(cmd, '--queue redis://HOST:PORT/DB is required');
      const concurrency = num(cmd, 'concurrency', v.concurrency, 1, true);
      if (concurrency < 1) throw new UsageError(cmd, `--concurrency must be at least 1 (got ${concurrency})`);
      const { runWorker } = await import('./queue.ts');
      await runWorker(String(v.queue), { concurrency, ...(v['idle-exit'] !== undefined ? { idleExitSeconds: num(cmd, 'idle-exit', v['idle-exit'], 0) } : {}), log });
      return 0;
    }
    if (cmd === 'info') {
      const { values: v, positionals } = parse(cmd, rest, {});
      if (v.help) return (log(HELP.info), 0);
      if (positionals.length !== 1) throw new UsageError(cmd, 'give one run folder');
      const run = positionals[0];
      const c = await readRun(run);
      const steps = await listCheckpoints(run);
      let losses: number[] = [];
      try {
        losses = JSON.parse(await readFile(`${run}/losses.json`, 'utf8')) as number[];
      } catch {
        losses = [];
      }
      const { countParams } = await import('../nn/layers.ts');
      const { initRnnFcDecoder } = await import('../nn/decoder.ts');
      log(`${run}: preset ${c.presetName} — ${c.preset.doc}`);
      log(`  decoder parameters ${countParams(initRnnFcDecoder(c.preset.decoder)).toLocaleString('en-US')}, ${c.preset.frameRate} frames/s, examples of ${c.preset.nSamples / c.preset.sampleRate} s`);
      log(`  dataset ${c.data}: ${c.examples} training examples; ${c.statistics.frames} voiced frames, mean pitch ${c.statistics.pitch.mean.toFixed(1)} (MIDI), mean loudness ${c.statistics.loudness.mean.toFixed(1)} dB`);
      log(`  checkpoints: ${steps.length ? steps.join(', ') : 'none'}; last loss ${losses.length ? `${losses[losses.length - 1].toFixed(4)} at step ${losses.length}` : '—'}`);
      return 0;
    }
    // graph
    const { values: v, positionals } = parse(cmd, rest, {});
    if (v.help) return (log(HELP.graph), 0);
    if (positionals[0] !== 'check' || positionals.length !== 2) throw new UsageError(cmd, "use 'ddsp graph check <config.json|config.gin>'");
    const path = positionals[1];
    const text = await readFile(path, 'utf8').catch((e: Error) => {
      throw new Error(`${path}: cannot read it (${e.message})`);
    });
    const node = path.endsWith('.gin') ? fromGin(text) : fromConfig(text);
    const { initParams } = await import('../graph/dag.ts');
    const cfg = path.endsWith('.gin') ? undefined : JSON.parse(text);
    const params = initParams(node);
    const count = (t: unknown): number => (t instanceof Float64Array ? t.length : t && typeof t === 'object' ? ('data' in (t as object) && (t as { data: unknown }).data instanceof Float64Array ? ((t as { data: Float64Array }).data.length) : Object.values(t as object).reduce((s: number, x) => s + count(x), 0)) : 0);
    log(`${path}: ok — ${node.name ?? 'processor group'}; ${cfg ? `${cfg.dag.length} processors, ` : ''}${count(params)} trainable values`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) log(`ddsp ${e.cmd}: ${e.message}\n\n${HELP[e.cmd]}`);
    else if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) log(`ddsp ${cmd}: ${(e as Error).message}\n\n${HELP[cmd]}`);
    else if (e instanceof DdspError) log(`ddsp ${cmd}: ${e.message}`);
    else log(`ddsp ${cmd}: ${(e as Error).message}`);
    return e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}
