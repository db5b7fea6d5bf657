/** Pixels as ESRGAN takes and gives them: 8-bit RGB, row by row, no alpha. */
export interface RgbPicture {
  data: Uint8Array;
  width: number;
  height: number;
}

export const RGB_CHANNELS = 3;
