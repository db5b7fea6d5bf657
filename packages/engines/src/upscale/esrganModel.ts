import * as tf from '@tensorflow/tfjs';
import { readEsrganModelFiles } from './esrganModelFiles.ts';
import type { EsrganScale } from './esrganScale.ts';
import { RGB_CHANNELS, type RgbPicture } from './rgbPicture.ts';
import { startWasmBackend } from './wasmBackend.ts';

/** Upscales one picture, synchronously: it holds its thread for the whole prediction. */
export type EsrganModel = (picture: RgbPicture) => RgbPicture;

/**
 * Loads the slim ESRGAN (an RDN: convolutions with "same" padding, so any size goes in) for one
 * scale. It takes and gives pixel values 0–255, so no rescaling either way.
 */
export async function loadEsrganModel(scale: EsrganScale): Promise<EsrganModel> {
  await startWasmBackend();
  const { modelJson, weightData } = await readEsrganModelFiles(scale);
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights) as tf.io.WeightsManifestEntry[];
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }));
  return ({ data, width, height }) => {
    const output = tf.tidy(() => model.predict(tf.tensor4d(Float32Array.from(data), [1, height, width, RGB_CHANNELS])) as tf.Tensor);
    try {
      // Clamped and rounded on the way into 8 bits.
      const pixels = Uint8ClampedArray.from(output.dataSync());
      return { data: new Uint8Array(pixels.buffer), width: width * scale, height: height * scale };
    } finally {
      output.dispose();
    }
  };
}
