import type { JobKind, ImageParams, VideoParams, VoiceParams } from './jobs.ts';

/** Credits per unit of work. The one price table: the API, the web app and the landing page read it. */
export const priceTable = {
  image: { base: 1, per: 'megapixel', perUnit: 4 },
  video: { base: 2, per: 'second', perUnit: 5 },
  voice: { base: 1, per: '100 characters', perUnit: 1 },
} as const;

export function costOf(kind: JobKind, prompt: string, params: Record<string, unknown>): number {
  switch (kind) {
    case 'image': {
      const p = params as ImageParams;
      return priceTable.image.base + Math.ceil(((p.width * p.height) / 1_000_000) * priceTable.image.perUnit);
    }
    case 'video': {
      const p = params as VideoParams;
      return priceTable.video.base + p.seconds * priceTable.video.perUnit;
    }
    case 'voice': {
      void (params as VoiceParams);
      return priceTable.voice.base + Math.ceil(prompt.length / 100) * priceTable.voice.perUnit;
    }
  }
}
