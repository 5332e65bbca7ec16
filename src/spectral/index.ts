/** `spectral`: FFT, framing, STFT family, mel/MFCC, loudness and friends, pitch, FIR design and FFT convolution. */
export { isPowerOfTwo, nextPowerOfTwo, rfftInto, irfftInto } from './fftCore.ts';
export * from './fft.ts';
export * from './frame.ts';
export {
  stft, stftVjp, stftGeometry, magnitudeSpectrogram, magnitudeSpectrogramVjp, powerSpectrogram, powerSpectrogramVjp,
  logMagnitudeSpectrogram, logMagnitudeSpectrogramVjp,
} from './stft.ts';
export type { StftOptions, StftGeometry, Spectrogram, LogMagnitudeOptions } from './stft.ts';
export * from './mel.ts';
export * from './features.ts';
export * from './pitch.ts';
export * from './firDesign.ts';
export * from './convolve.ts';
export * from './frequencyFilter.ts';
export * from './resample.ts';
