/** The upscale factors offered: the weights package also has ×3 and ×8, which no model of the catalog names. */
export type EsrganScale = 2 | 4;
