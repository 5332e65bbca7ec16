/** `io`: WAV codec and files, PNG and SVG plots. */
export * from './wav.ts';
export * from './png.ts';
export * from './safetensors.ts';
export * from './figures.ts';
export * from './decode.ts';
export * from './webAudio.ts';
