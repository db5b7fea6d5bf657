import { costOf, ImageParams, plans, priceTable, VideoParams, VoiceParams } from '@atelier/contracts';
import type { JobKind, Plan } from '@atelier/contracts';

// Everything the page says about money is computed here, at build time, from packages/contracts.

const defaults = {
  image: ImageParams.parse({}),
  video: VideoParams.parse({}),
  voice: VoiceParams.parse({}),
} as const;

const hundredCharacters = 'x'.repeat(100);

export interface KindPrice {
  kind: JobKind;
  label: string;
  rule: string;
  example: string;
  exampleCost: number;
}

export const kindPrices: KindPrice[] = [
  {
    kind: 'image',
    label: 'Image',
    rule: `${priceTable.image.base} + ${priceTable.image.perUnit} per ${priceTable.image.per}`,
    example: `${defaults.image.width}×${defaults.image.height} image`,
    exampleCost: costOf('image', '', defaults.image),
  },
  {
    kind: 'video',
    label: 'Video',
    rule: `${priceTable.video.base} + ${priceTable.video.perUnit} per ${priceTable.video.per}`,
    example: `${defaults.video.seconds}-second clip at ${defaults.video.fps} fps`,
    exampleCost: costOf('video', '', defaults.video),
  },
  {
    kind: 'voice',
    label: 'Voice',
    rule: `${priceTable.voice.base} + ${priceTable.voice.perUnit} per ${priceTable.voice.per}`,
    example: 'clip of 100 characters',
    exampleCost: costOf('voice', hundredCharacters, defaults.voice),
  },
];

/** What a prompt of this kind costs with the default options. */
export const costWithDefaults = (kind: JobKind, prompt: string): number => costOf(kind, prompt, defaults[kind]);

export const videoDefaults = defaults.video;

export interface PlanCard {
  id: Plan;
  label: string;
  price: string;
  features: string[];
}

const usd = (amount: number): string => (Number.isInteger(amount) ? `$${amount}` : `$${amount.toFixed(2)}`);
const imageCost = kindPrices[0]!.exampleCost;

export const planCards: PlanCard[] = (Object.keys(plans) as Plan[]).map((id) => {
  const plan = plans[id];
  const features = [
    `${plan.monthlyCredits.toLocaleString('en-US')} credits every month`,
    `about ${Math.floor(plan.monthlyCredits / imageCost).toLocaleString('en-US')} default images a month`,
    `${plan.maxActiveJobs} jobs in progress at once`,
    plan.queuePriority === Math.min(...Object.values(plans).map((p) => p.queuePriority))
      ? 'Priority queue: your jobs start first'
      : 'Shared queue, never starved',
  ];
  if (plan.startingCredits > 0) features.unshift(`${plan.startingCredits} credits when you sign up`);
  return { id, label: plan.label, price: usd(plan.priceUsdMonthly), features };
});
