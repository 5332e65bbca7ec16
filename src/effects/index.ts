/** `effects`: reverbs, modulated delay, time-varying IIR filters and RBJ designs, waveshaper and compressor, with VJPs. */
export * from './reverb.ts';
export * from './modDelay.ts';
export * from './iir.ts';
export * from './rbj.ts';
export * from './dynamics.ts';
export * from './fir.ts';
export * from './eq.ts';
