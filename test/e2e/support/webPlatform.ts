import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestPlatform } from '../../support/platform.ts';
import { MockProvider, type Identity } from '../../auth/support/mockProvider.ts';
import { launchBrowser } from './browser.ts';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './builds.ts';
import { recordPages } from './pageRecorder.ts';

/**
 * Everything a browser test of the web app needs, all real: the builds, an OpenID provider on
 * loopback, the platform (PostgreSQL, Redis, the API serving the builds on a real port),
 * `workers` worker processes, and Debian's Chromium.
 */
export class WebPlatform {
  private constructor(
    readonly provider: MockProvider,
    readonly platform: TestPlatform,
    readonly browser: Browser,
  ) {}

  static readonly startTimeout = BUILD_TIMEOUT_MS + 60_000;

  static async start(options: { workers?: number; env?: NodeJS.ProcessEnv; workerEnv?: NodeJS.ProcessEnv } = {}): Promise<WebPlatform> {
    await ensureBuilt();
    const provider = await MockProvider.start();
    const platform = await TestPlatform.start({ ...provider.env(), ...options.env });
    const [browser] = await Promise.all([launchBrowser(), ...Array.from({ length: options.workers ?? 0 }, () => platform.startWorker(options.workerEnv))]);
    return new WebPlatform(provider, platform, browser as Browser);
  }

  get baseUrl(): string {
    return this.platform.baseUrl;
  }

  /**
   * A fresh browser profile signed in as `identity` the way a person does it: the app's
   * sign-in screen (or the landing page's header), its sign-in link, the provider, back on /app.
   */
  async signIn(
    identity: Identity,
    options: { from?: 'app' | 'landing'; viewport?: { width: number; height: number } } = {},
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
    await recordPages(context);
    const page = await context.newPage();
    this.provider.identity = { email_verified: true, ...identity };
    if (options.from === 'landing') {
      await page.goto(`${this.baseUrl}/`);
      await page.locator('header').getByRole('link', { name: 'Sign in' }).click();
    } else {
      await page.goto(`${this.baseUrl}/app/`);
      await page.getByRole('link', { name: 'Continue with Google' }).click();
    }
    await page.waitForURL(`${this.baseUrl}/app`);
    await page.getByRole('heading', { name: 'Create' }).waitFor();
    return { context, page };
  }

  async stop(): Promise<void> {
    await this.browser.close();
    await this.platform.stop();
    await this.provider.stop();
  }
}
