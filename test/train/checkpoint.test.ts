import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ndarray from 'ndarray';
import { frames, io, nn, train } from '../../src/index.ts';
import { randomArray } from '../helpers.ts';
import * as node from '../../src/node/index.ts';

describe('safetensors', () => {
  it('round-trips float64 (bit for bit) and float32 tensors of any shape, with metadata', () => {
    const a = randomArray(12, 1);
    const b = frames(randomArray(6, 2), 2, 3);
    const c = ndarray(randomArray(24, 3), [2, 3, 4]);
    const bytes = io.encodeSafetensors({ a, b, c }, { metadata: { note: 'hi' } });
    const { tensors, metadata } = io.decodeSafetensors(bytes);
    expect(metadata).toEqual({ note: 'hi' });
    expect(tensors.a.dtype).toBe('F64');
    expect(Array.from(tensors.a.data)).toEqual(Array.from(a));
    expect(tensors.b.shape).toEqual([2, 3]);
    expect(tensors.c.shape).toEqual([2, 3, 4]);
    expect(Array.from(tensors.c.data)).toEqual(Array.from(c.data));
    const f32 = io.decodeSafetensors(io.encodeSafetensors({ a }, { dtype: 'F32' })).tensors.a;
    expect(f32.dtype).toBe('F32');
    expect(Array.from(f32.data)).toEqual(Array.from(Float32Array.from(a)));
    // The header is padded so that the data starts on an 8-byte boundary.
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
  });
  it('reads a file laid out by hand from the specification (F32 and F16 tensors)', () => {
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, h: { dtype: 'F16', shape: [2], data_offsets: [8, 12] } });
    const head = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + head.length + 12);
    const v = new DataView(bytes.buffer);
    v.setBigUint64(0, BigInt(head.length), true);
    bytes.set(head, 8);
    v.setFloat32(8 + head.length, 1.5, true);
    v.setFloat32(8 + head.length + 4, -2.25, true);
    v.setUint16(8 + head.length + 8, 0x3c00, true); // 1.0 in half precision
    v.setUint16(8 + head.length + 10, 0xc000, true); // −2.0
    const { tensors } = io.decodeSafetensors(bytes);
    expect(Array.from(tensors.w.data)).toEqual([1.5, -2.25]);
    expect(Array.from(tensors.h.data)).toEqual([1, -2]);
  });
  it('says what is wrong with a malformed file', () => {
    const good = io.encodeSafetensors({ a: randomArray(4) });
    expect(() => io.decodeSafetensors(good.slice(0, good.length - 8))).toThrow("decodeSafetensors: tensor 'a': data_offsets [0,32] do not lie within the 24 data bytes");
    const bad = good.slice();
    new DataView(bad.buffer).setBigUint64(0, 10n ** 12n, true);
    expect(() => io.decodeSafetensors(bad)).toThrow('decodeSafetensors: not a safetensors file: the header length');
    const head = new TextEncoder().encode(JSON.stringify({ a: { dtype: 'I8', shape: [1], data_offsets: [0, 1] } }));
    const odd = new Uint8Array(8 + head.length + 1);
    new DataView(odd.buffer).setBigUint64(0, BigInt(head.length), true);
    odd.set(head, 8);
    expect(() => io.decodeSafetensors(odd)).toThrow("tensor 'a': unsupported dtype \"I8\"");
  });
});

describe('checkpoints', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'ddsp-ckpt-'));
  it('restore parameters and Adam state bit for bit, keep the last N, and ignore a checkpoint without its JSON', async () => {
    const d = dir();
    const params = { dec: nn.layers.initFcStack(1, 2, 4, 2), rnn: nn.layers.initGru(2, 4, 3), ir: randomArray(10, 3), bands: [{ f: Float64Array.of(1000) }] };
    const opt = train.ddspOptimizer();
    let state = opt.init(params as never);
    [, state] = opt.update(params as never, state, params as never);
    for (const step of [10, 20, 30, 40]) await node.saveCheckpoint(d, { step, params, optimizerState: state, extra: { config: { preset: 'small' } } }, { keep: 2 });
    expect(await node.listCheckpoints(d)).toEqual([30, 40]);
    const ck = await node.loadCheckpoint(d);
    expect(ck?.step).toBe(40);
    expect(ck?.extra).toEqual({ config: { preset: 'small' } });
    expect(JSON.stringify(ck?.optimizerState, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v))).toBe(JSON.stringify(state, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)));
    const p = ck!.params as typeof params;
    expect(Array.from(p.rnn.recurrentKernel.data)).toEqual(Array.from(params.rnn.recurrentKernel.data));
    expect(p.rnn.recurrentKernel.shape).toEqual([3, 9]);
    expect(Array.from(p.bands[0].f)).toEqual([1000]);
    // A crash between the two writes leaves tensors without the JSON commit marker: ignored.
    writeFileSync(join(d, 'ckpt-000000050.safetensors'), new Uint8Array(3));
    expect((await node.loadCheckpoint(d))?.step).toBe(40);
    rmSync(d, { recursive: true, force: true });
  });

  /** The command that runs a TS file in the runtime running this test. */
  function runner(script: string): [string, string[]] {
    const g = globalThis as { Deno?: unknown; Bun?: unknown };
    if (g.Deno !== undefined) return [process.execPath, ['run', '-A', script]];
    if (g.Bun !== undefined) return [process.execPath, [script]];
    return [process.execPath, ['--import', 'tsx', script]];
  }

  it('resume is exact: a run killed with SIGKILL mid-way and resumed reaches the parameters of an uninterrupted run', async () => {
    const script = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'fixtures', 'trainChild.ts');
    const [cmd, pre] = runner(script);
    const steps = 60;
    const whole = dir();
    const r1 = spawnSync(cmd, [...pre, whole, String(steps), join(whole, 'out.json')], { encoding: 'utf8' });
    expect(r1.status, r1.stderr).toBe(0);
    const reference = JSON.parse(readFileSync(join(whole, 'out.json'), 'utf8'));
    expect(reference.resumedFrom).toBe(0);

    const crashed = dir();
    const child = spawn(cmd, [...pre, crashed, String(steps), join(crashed, 'out.json')], { env: { ...process.env, SLOW: '1' }, stdio: 'ignore' });
    const killedAt = await new Promise<number>((resolve, reject) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        const done = readdirSync(crashed).filter((f) => /^ckpt-\d+\.json$/.test(f)).map((f) => Number(f.slice(5, 14)));
        if (done.some((s) => s >= 15)) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve(Math.max(...done));
        } else if (Date.now() - t0 > 60_000) {
          clearInterval(poll);
          child.kill('SIGKILL');
          reject(new Error('the child wrote no checkpoint in 60 s'));
        }
      }, 5);
    });
    await new Promise((r) => child.on('exit', r));
    expect(killedAt).toBeLessThan(steps);
    expect(existsSync(join(crashed, 'out.json'))).toBe(false);
    const r2 = spawnSync(cmd, [...pre, crashed, String(steps), join(crashed, 'out.json')], { encoding: 'utf8' });
    expect(r2.status, r2.stderr).toBe(0);
    const resumed = JSON.parse(readFileSync(join(crashed, 'out.json'), 'utf8'));
    expect(resumed.resumedFrom).toBeGreaterThanOrEqual(15);
    expect(resumed.kernel).toEqual(reference.kernel);
    expect(resumed.bias).toEqual(reference.bias);
    rmSync(whole, { recursive: true, force: true });
    rmSync(crashed, { recursive: true, force: true });
  }, 120_000);
});
