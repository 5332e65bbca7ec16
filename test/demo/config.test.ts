import { describe, expect, it } from 'vitest';
import { runConfigDemo } from '../../src/demo/config.ts';

describe('npm run demo:config', () => {
  it('loads the same graph from JSON and from DDSP gin text, and the reverb IR trains (the loss falls)', async () => {
    const lines: string[] = [];
    const r = await runConfigDemo(12, (l) => lines.push(l));
    expect(lines[0]).toBe('JSON and gin graphs agree: max |difference| 0 over 16000 samples');
    expect(r.last).toBeLessThan(0.8 * r.first);
    expect(r.audio.length).toBe(16000);
  }, 60_000);
});
