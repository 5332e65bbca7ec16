/**
 * Render a seeded melody for a General MIDI instrument with FluidSynth (Debian packages fluidsynth
 * and fluid-soundfont-gm), for trying the command line on real instrument sounds:
 *   npm run render -- <program 0–127> <seconds> <out.wav> [seed] [low MIDI note] [high MIDI note]
 *   npm run render -- 40 60 recordings/violin.wav        (violin, 60 s)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { melody, writeMidi } from './midi.ts';

const [program, seconds, out, seed = '1', low = '55', high = '79'] = process.argv.slice(2);
if (out === undefined || !(Number(program) >= 0 && Number(program) <= 127) || !(Number(seconds) > 1)) {
  console.error('usage: npm run render -- <program 0–127> <seconds > 1> <out.wav> [seed] [low MIDI note] [high MIDI note]');
  process.exit(2);
}
const sf2 = ['/usr/share/sounds/sf2/FluidR3_GM.sf2', '/usr/share/sounds/sf2/default-GM.sf2'].find(existsSync);
if (sf2 === undefined) throw new Error('install the Debian packages fluidsynth and fluid-soundfont-gm');
mkdirSync(dirname(out), { recursive: true });
const mid = `${out.replace(/\.wav$/i, '')}.mid`;
writeFileSync(mid, writeMidi(melody(Number(seconds), Number(seed), Number(low), Number(high)), Number(program)));
const r = spawnSync('fluidsynth', ['-ni', '-R', '0', '-C', '0', '-g', '0.7', '-r', '44100', '-F', out, sf2, mid], { encoding: 'utf8' });
if (r.status !== 0) throw new Error(`fluidsynth failed (${r.error?.message ?? r.stderr})`);
console.log(`wrote ${out} (General MIDI program ${program}, ${seconds} s at 44.1 kHz) and ${mid}`);
