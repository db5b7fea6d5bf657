import { expect } from 'vitest';
import type { Browser } from './browser.ts';

/** Submit the provider's one HTML form on `page`, as a person pressing its button would. */
export async function submitProviderForm(browser: Browser, pageUrl: string, page: string, fields: Record<string, string>) {
  const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
  expect(action, page).toBeDefined();
  const hidden = Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  return browser.fetch(new URL(action!.replaceAll('&amp;', '&'), pageUrl).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, ...fields }).toString(),
  });
}
