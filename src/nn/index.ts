/**
 * `nn`: neural-network layers with hand-written VJPs over the named GEMM kernel — Keras' Dense,
 * LayerNormalization (ε 1e-3) and GRU (reset_after=True, gates z | r | h, BPTT), DDSP's leaky
 * ReLU (0.2), Fc and FcStack — as ops with VJPs, as graph Nodes (`nn.layers.*`), with Keras'
 * seeded initialisers.
 */
export { dense, denseVjp } from './dense.ts';
export { layerNorm, layerNormVjp, type LayerNormOptions } from './layerNorm.ts';
export { leakyRelu, leakyReluVjp, type LeakyReluOptions } from './leakyRelu.ts';
export { gru, gruVjp, gruStep, gruStepVjp, type GruWeights, type GruOptions, type GruOutput, type GruGrads } from './gru.ts';
export { glorotUniform, orthogonal } from './init.ts';
export type { Tensor } from './tensor.ts';
export * as layers from './layers.ts';
export { concat, concatVjp, splitChannels } from './concat.ts';
export { rnnFcDecoder, initRnnFcDecoder, presets, type RnnFcDecoderOptions, type ModelPreset } from './decoder.ts';
export { autoencoder, autoencoderSynth, initAutoencoder, preprocess, loudnessFeature, framesPerExample, DDSP_LOSS, type AutoencoderOptions } from './autoencoder.ts';
export { gruFromPyTorch, decoderFromPyTorch } from './pytorch.ts';
export { loudnessL1, f0L1Cents, type MetricOptions } from './metrics.ts';
