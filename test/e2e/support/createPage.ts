import type { Locator, Page } from 'playwright-core';
import { builtInCatalog, modelView, type JobKind } from '@atelier/contracts';
import { kindLabels } from '../../../apps/web/src/lib/format.ts';
import { paramFields } from '../../../apps/web/src/lib/paramFields.ts';

const catalog = builtInCatalog();

/** The create form labels its option fields as the app's own field list says (for the kind's default model, which the form starts on). */
const fieldLabel = (kind: JobKind, name: string): string => {
  const field = paramFields(modelView(catalog.defaultOf(kind), true)).find((candidate) => candidate.name === name);
  if (!field) throw new Error(`${kind} jobs have no option "${name}"`);
  return field.label;
};

/** Fill the create form as a person would (kind, prompt, options) and press Generate. */
export async function submitJob(page: Page, kind: JobKind, prompt: string, params: Record<string, number> = {}): Promise<Locator> {
  await page.getByRole('radio', { name: kindLabels[kind] }).check();
  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill(prompt);
  const options = page.locator('details.options');
  if (Object.keys(params).length > 0 && !(await options.evaluate((details: HTMLDetailsElement) => details.open))) {
    await options.locator('summary').click();
  }
  for (const [name, value] of Object.entries(params)) {
    await options.getByLabel(fieldLabel(kind, name), { exact: true }).fill(String(value));
  }
  await page.getByRole('button', { name: 'Generate' }).click();
  const card = jobCard(page, prompt);
  await card.waitFor();
  return card;
}

export const jobCard = (page: Page, prompt: string): Locator =>
  page.locator('article.job-card').filter({ has: page.locator('.job-prompt', { hasText: prompt }) });

export const galleryTile = (page: Page, prompt: string): Locator => page.locator('li.tile').filter({ has: page.locator('.tile-prompt', { hasText: prompt }) });

/** Waits for the card's status badge to say Done (or fails fast on a failed job with its message). */
export async function waitUntilDone(card: Locator, timeout = 30_000): Promise<void> {
  await card.locator('.badge.status-succeeded, .badge.status-failed, .badge.status-canceled').waitFor({ timeout });
  const failed = await card.locator('.badge.status-failed, .badge.status-canceled').count();
  if (failed > 0) throw new Error(`the job did not succeed: ${await card.textContent()}`);
}

/** Whether a canvas holds drawn pixels (a BlurHash is opaque everywhere). */
export const canvasIsDrawn = (canvas: Locator): Promise<boolean> =>
  canvas.evaluate((node: HTMLCanvasElement) => {
    const { data } = node.getContext('2d')!.getImageData(0, 0, node.width, node.height);
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
    return data.length > 0;
  });
