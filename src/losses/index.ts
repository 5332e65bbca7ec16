/** `losses`: mean differences and the multi-scale spectral loss, with VJPs. */
export * from './meanDifference.ts';
export * from './spectralLoss.ts';
