/** `realtime`: block-by-block rendering without allocation, for Web Audio's AudioWorklet (see `ddsp/worklet`). */
export { harmonicNoiseVoice, type Voice, type VoiceOptions } from './voice.ts';
export { decoderStepper, type DecoderStepper, type DecoderFrame } from './decoder.ts';
