/** How every MP4 of ours is encoded: H.264 in 4:2:0, index at the front. */
export const h264Args: readonly string[] = [
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-crf',
  '20',
  // swscale converts with BT.601; say so, so that players convert back the same way.
  '-pix_fmt',
  'yuv420p',
  '-colorspace',
  'smpte170m',
  // The index goes to the front: playback starts before the whole file has arrived.
  '-movflags',
  '+faststart',
];
