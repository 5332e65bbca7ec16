/** A stand-in for the browser's AudioBuffer (Float32 channel storage behind getChannelData), for tests without Web Audio. */
export class FakeAudioBuffer {
  readonly length: number;
  readonly numberOfChannels: number;
  readonly sampleRate: number;
  private readonly data: Float32Array[];
  constructor(init: { length: number; numberOfChannels: number; sampleRate: number }) {
    this.length = init.length;
    this.numberOfChannels = init.numberOfChannels;
    this.sampleRate = init.sampleRate;
    this.data = Array.from({ length: init.numberOfChannels }, () => new Float32Array(init.length));
  }
  getChannelData(c: number): Float32Array {
    return this.data[c];
  }
}
