import type { VoiceParams } from '@atelier/contracts';

/** How ffmpeg writes each format a voice clip may be asked for, and how it is served. */
export const audioFormats: Record<VoiceParams['format'], { contentType: string; extension: string; codec: string[] }> = {
  mp3: { contentType: 'audio/mpeg', extension: 'mp3', codec: ['-c:a', 'libmp3lame', '-q:a', '4', '-f', 'mp3'] },
  ogg: { contentType: 'audio/ogg', extension: 'ogg', codec: ['-c:a', 'libvorbis', '-q:a', '4', '-f', 'ogg'] },
  wav: { contentType: 'audio/wav', extension: 'wav', codec: ['-c:a', 'pcm_s16le', '-f', 'wav'] },
};
