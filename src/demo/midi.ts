/**
 * A minimal Standard MIDI File writer (format 0, one track) for rendering test audio with
 * FluidSynth: notes with start, duration, pitch and velocity on one channel and program.
 */
export interface Note {
  /** Start in seconds. */
  start: number;
  /** Duration in seconds. */
  duration: number;
  /** MIDI note number. */
  pitch: number;
  /** 1…127. */
  velocity: number;
}

function varLen(n: number): number[] {
  const bytes = [n & 0x7f];
  while ((n >>= 7) > 0) bytes.unshift((n & 0x7f) | 0x80);
  return bytes;
}

/** SMF bytes: 480 ticks per quarter at 120 bpm (960 ticks per second). */
export function writeMidi(notes: readonly Note[], program = 73, channel = 0): Uint8Array {
  const tps = 960;
  const events: { tick: number; data: number[] }[] = [{ tick: 0, data: [0xc0 | channel, program] }];
  for (const n of notes) {
    events.push({ tick: Math.round(n.start * tps), data: [0x90 | channel, n.pitch, n.velocity] });
    events.push({ tick: Math.round((n.start + n.duration) * tps), data: [0x80 | channel, n.pitch, 0] });
  }
  events.sort((a, b) => a.tick - b.tick || (a.data[0] & 0xf0) - (b.data[0] & 0xf0));
  const track: number[] = [];
  let last = 0;
  for (const e of events) {
    track.push(...varLen(e.tick - last), ...e.data);
    last = e.tick;
  }
  track.push(0, 0xff, 0x2f, 0);
  const header = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xe0];
  const len = track.length;
  return Uint8Array.from([...header, 0x4d, 0x54, 0x72, 0x6b, (len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, ...track]);
}

/** A seeded melody: a random walk over a major scale, notes of 0.4–1.2 s with short rests. */
export function melody(seconds: number, seed = 1, low = 60, high = 84): Note[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const scale = [0, 2, 4, 5, 7, 9, 11];
  const pitches: number[] = [];
  for (let p = low; p <= high; p++) if (scale.includes(p % 12)) pitches.push(p);
  let idx = Math.floor(pitches.length / 2);
  const notes: Note[] = [];
  let t = 0.1;
  while (t < seconds - 1) {
    idx = Math.min(pitches.length - 1, Math.max(0, idx + Math.round((rand() - 0.5) * 5)));
    const duration = 0.4 + 0.8 * rand();
    notes.push({ start: t, duration, pitch: pitches[idx], velocity: 60 + Math.floor(60 * rand()) });
    t += duration + (rand() < 0.3 ? 0.15 : 0.02);
  }
  return notes;
}
