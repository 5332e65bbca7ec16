/** `io`: WAV codec and file helpers. */
export * from './wav.ts';
