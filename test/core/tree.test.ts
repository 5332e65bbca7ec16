import { describe, it, expect } from 'vitest';
import { treeAdd, treeScale, treeDot, zerosLike, treeSize, addCotangents, densify, frames } from '../../src/core/index.ts';
import { f64 } from '../helpers.ts';

const a = { w: f64(1, 2), b: { c: f64(3) }, l: [f64(4)] };
const b = { w: f64(10, 20), b: { c: f64(30) }, l: [f64(40)] };

describe('parameter trees', () => {
  it('add, scale, dot and zerosLike work leaf by leaf', () => {
    expect(treeAdd(a, b)).toEqual({ w: f64(11, 22), b: { c: f64(33) }, l: [f64(44)] });
    expect(treeScale(a, -2)).toEqual({ w: f64(-2, -4), b: { c: f64(-6) }, l: [f64(-8)] });
    expect(treeDot(a, b)).toBe(10 + 40 + 90 + 160);
    expect(zerosLike(a)).toEqual({ w: f64(0, 0), b: { c: f64(0) }, l: [f64(0)] });
    expect(treeSize(a)).toBe(4);
    expect(a.w).toEqual(f64(1, 2));
  });
  it('keep ndarray leaves shaped', () => {
    const t = { m: frames(f64(1, 2, 3, 4), 2, 2) };
    const s = treeScale(t, 2);
    expect(s.m.shape).toEqual([2, 2]);
    expect(s.m.get(1, 1)).toBe(8);
  });
  it('name the path where structures differ', () => {
    expect(() => treeAdd(a, { ...b, w: f64(1) })).toThrow("treeAdd: leaf '/w' has size 1 in b and 2 in a");
    expect(() => treeAdd(a, { w: b.w } as never)).toThrow("treeAdd: b has no key '/b'");
  });
  it('sparse cotangents add over the union of keys, undefined is zero, and densify fills zeros', () => {
    const s = addCotangents({ w: f64(1, 1) }, { b: { c: f64(2) } });
    expect(s).toEqual({ w: f64(1, 1), b: { c: f64(2) } });
    expect(addCotangents(undefined, s)).toBe(s);
    expect(densify(s, a)).toEqual({ w: f64(1, 1), b: { c: f64(2) }, l: [f64(0)] });
  });
});

describe('densify', () => {
  it('refuses a cotangent with a key its value has not (a misnamed gradient would otherwise vanish)', () => {
    expect(() => densify({ audio: f64(1) }, { x: f64(0) })).toThrow("densify: the cotangent has '/audio', which the value it belongs to has not");
  });
});
