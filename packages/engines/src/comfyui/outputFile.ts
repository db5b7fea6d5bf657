import { type NodeOutput, SavedFile } from './comfyUiProtocol.ts';

/**
 * The file an output node saved. Nodes list their files under names of their own (`images`
 * for SaveImage and SaveVideo, `gifs` for Video Helper Suite's VideoCombine, `audio`…): the
 * first entry of any of them that names a file.
 */
export function outputFileOf(output: NodeOutput): SavedFile | undefined {
  for (const value of Object.values(output)) {
    if (!Array.isArray(value)) continue;
    for (const entry of value) {
      const file = SavedFile.safeParse(entry);
      if (file.success) return file.data;
    }
  }
  return undefined;
}
