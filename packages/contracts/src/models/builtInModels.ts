import type { ModelEntryInput } from './modelEntry.ts';

/**
 * The models every Atelier has, whatever the catalog file says. Only the upscalers are a
 * neural network, and every name and description says what it is: a person choosing one must
 * know what they get.
 */
export const builtInModels: ModelEntryInput[] = [
  {
    id: 'atelier/landscape-sketch',
    engine: 'local-painter',
    kind: 'image',
    name: 'Landscape sketch (procedural, no AI)',
    description:
      'Paints a procedural landscape (ridges, sky, sun) coloured by the colour and mood words of the prompt. Runs offline with no AI model: it does not draw the subject you describe.',
    default: true,
  },
  {
    id: 'atelier/landscape-pan',
    engine: 'local-video',
    kind: 'video',
    name: 'Landscape pan (procedural, no AI)',
    description:
      'Films the procedural landscape of the prompt as the camera pans, rendered frame by frame and encoded with ffmpeg. Runs offline with no AI model: it does not show the subject you describe.',
    default: true,
  },
  {
    id: 'atelier/image-pan',
    engine: 'local-image-pan',
    kind: 'video',
    name: 'Image pan and zoom (no AI)',
    description:
      'Films one of your pictures as the camera slowly zooms in and drifts across it (the Ken Burns effect), encoded with ffmpeg. Runs offline with no AI model: nothing in the picture moves, and the prompt is only its caption.',
    inputs: [{ name: 'image', kind: 'image', required: true }],
  },
  {
    id: 'atelier/espeak-voice',
    engine: 'local-voice',
    kind: 'voice',
    name: 'Formant voice (espeak-ng, no AI)',
    description: 'Reads the prompt aloud with espeak-ng’s formant speech synthesis: clear but robotic. Runs offline with no AI model.',
    default: true,
  },
  ...([2, 4] as const).map(
    (scale): ModelEntryInput => ({
      id: `atelier/esrgan-x${scale}`,
      engine: 'esrgan',
      kind: 'image',
      scale,
      name: `ESRGAN upscaler ×${scale} (neural network, CPU)`,
      description: `Makes one of your pictures ${scale} times wider and taller with ESRGAN, a real neural network (the slim weights of @upscalerjs/esrgan-slim), run on the worker's CPU: sharper edges than plain resizing, no new content. At most 4096 px a side.`,
      inputs: [{ name: 'image', kind: 'image', required: true }],
      // Per output megapixel: ×4 makes 16 output pixels of each input pixel, ×2 four.
      price: scale === 4 ? { base: 1, perMegapixel: 3 } : { base: 1, perMegapixel: 6 },
    }),
  ),
  {
    id: 'atelier/instant-test-image',
    engine: 'instant',
    kind: 'image',
    name: 'Instant test image (benchmarks)',
    description: 'An 8×8 picture of one colour, made at once, whatever size is asked: for benchmarks and tests of everything around an engine.',
    // Listed only where a catalog file enables it (`{ id: atelier/instant-test-image, hidden: false }`).
    hidden: true,
  },
];
