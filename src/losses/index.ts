/** `losses`: mean differences and the multi-scale spectral loss, with VJPs (helper threads for the loss: `lossPool` in `ddsp/node`). */
export * from './meanDifference.ts';
export {
  makeSpectralLoss, spectralLoss, spectralLossValueAndGrad, spectralLossVjp, SPECTRAL_LOSS_KEYS,
  type SpectralLossOptions, type SpectralLossFunction, type ScaleRunner,
} from './spectralLoss.ts';
