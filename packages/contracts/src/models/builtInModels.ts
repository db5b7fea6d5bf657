import type { ModelEntryInput } from './modelEntry.ts';

/**
 * The models every Atelier has, whatever the catalog file says. None of them is an AI model,
 * and their names and descriptions say so: a person choosing one must know what they get.
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
    id: 'atelier/espeak-voice',
    engine: 'local-voice',
    kind: 'voice',
    name: 'Formant voice (espeak-ng, no AI)',
    description: 'Reads the prompt aloud with espeak-ng’s formant speech synthesis: clear but robotic. Runs offline with no AI model.',
    default: true,
  },
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
