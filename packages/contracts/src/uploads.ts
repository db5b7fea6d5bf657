/** What `POST /api/uploads` takes: the API refuses anything else before it keeps a byte. */
export const uploadLimits = {
  maxBytes: 20 * 1024 * 1024,
  /** Either side; the pixel limit follows (16.7 MP), and a header that claims more is refused undecoded. */
  maxSide: 4096,
  /** The formats kept, by the name the file's own bytes give (never its name or declared type). */
  formats: { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' },
} as const;

export type UploadFormat = keyof typeof uploadLimits.formats;
export const isUploadFormat = (format: string): format is UploadFormat => Object.hasOwn(uploadLimits.formats, format);
