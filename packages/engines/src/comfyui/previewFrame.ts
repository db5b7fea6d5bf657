/** ComfyUI's binary event types (server.py `BinaryEventTypes`); only the encoded preview is read. */
const PREVIEW_IMAGE = 1;
const imageFormats = { 1: 'image/jpeg', 2: 'image/png' } as const;

export interface PreviewFrame {
  contentType: 'image/jpeg' | 'image/png';
  data: Buffer;
}

/**
 * A binary WebSocket frame as ComfyUI sends a sampling preview: a 4-byte big-endian event
 * type (1), a 4-byte big-endian image format (1 JPEG, 2 PNG), then the image. Anything else
 * (other event types, a frame too short to hold an image) is not a preview: undefined.
 */
export function previewFrameOf(frame: Buffer): PreviewFrame | undefined {
  if (frame.length <= 8 || frame.readUInt32BE(0) !== PREVIEW_IMAGE) return undefined;
  const format = frame.readUInt32BE(4);
  if (format !== 1 && format !== 2) return undefined;
  return { contentType: imageFormats[format], data: frame.subarray(8) };
}
