export * from './ffmpeg.ts';
export * from './imageThreads.ts';
export * from './placeholder.ts';
export * from './probe.ts';
export * from './tempDir.ts';
export * from './validateOutput.ts';
export * from './normalizeUpload.ts';
export * from './missingTools.ts';
