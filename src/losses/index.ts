/** `losses`: mean differences and the multi-scale spectral loss, with VJPs; helper threads for the loss. */
export * from './meanDifference.ts';
export {
  makeSpectralLoss, spectralLoss, spectralLossValueAndGrad, spectralLossVjp, SPECTRAL_LOSS_KEYS,
  type SpectralLossOptions, type SpectralLossFunction, type ScaleRunner,
} from './spectralLoss.ts';
export { lossPool, type LossPool, type LossPoolOptions } from './lossPool.ts';
