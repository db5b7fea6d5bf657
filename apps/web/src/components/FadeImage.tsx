import { useState } from 'react';

interface Props {
  src: string;
  alt: string;
  width?: number | undefined;
  height?: number | undefined;
  lazy?: boolean;
}

/** An image that fades in over its placeholder once it has loaded. */
export function FadeImage({ src, alt, width, height, lazy = false }: Props) {
  const [loadedSrc, setLoadedSrc] = useState<string | null>(null);
  const markLoaded = (img: HTMLImageElement | null) => {
    if (img?.complete && img.naturalWidth > 0) setLoadedSrc(src);
  };
  return (
    <img
      ref={markLoaded}
      className={loadedSrc === src ? 'media fade is-loaded' : 'media fade'}
      src={src}
      alt={alt}
      width={width}
      height={height}
      loading={lazy ? 'lazy' : 'eager'}
      decoding="async"
      onLoad={() => setLoadedSrc(src)}
    />
  );
}
