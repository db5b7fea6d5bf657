import { useEffect, useRef } from 'react';
import { decode, isBlurhashValid } from 'blurhash';

interface Props {
  hash: string;
  width: number;
  height: number;
}

/** Draws a BlurHash at a few dozen pixels; CSS stretches it to fill its frame. */
export function BlurhashCanvas({ hash, width, height }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const ratio = width > 0 && height > 0 ? width / height : 1;
  const w = ratio >= 1 ? 32 : Math.max(4, Math.round(32 * ratio));
  const h = ratio >= 1 ? Math.max(4, Math.round(32 / ratio)) : 32;
  const valid = isBlurhashValid(hash).result;

  useEffect(() => {
    const context = ref.current?.getContext('2d');
    if (!context || !valid) return;
    const pixels = decode(hash, w, h);
    context.putImageData(new ImageData(new Uint8ClampedArray(pixels), w, h), 0, 0);
  }, [hash, w, h, valid]);

  if (!valid) return null;
  // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a canvas is not focusable; the placeholder is decoration
  return <canvas ref={ref} className="blurhash" width={w} height={h} aria-hidden="true" />;
}
