/** `spectral`: FFT kernels, FIR design and FFT convolution (STFT, mel and friends come next). */
export { isPowerOfTwo, nextPowerOfTwo, rfftInto, irfftInto } from './fftCore.ts';
export * from './firDesign.ts';
export * from './convolve.ts';
export * from './frequencyFilter.ts';
