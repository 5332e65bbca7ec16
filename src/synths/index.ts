/** `synths`: DDSP's synthesizers as pure functions with VJPs (their graph Nodes are at the top level). */
export * from './oscillatorBank.ts';
export * from './harmonic.ts';
export * from './noise.ts';
export * from './filteredNoise.ts';
export * from './wavetable.ts';
export * from './sinusoidal.ts';
