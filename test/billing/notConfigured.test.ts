import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiConfigSchema } from '@atelier/api';
import { ConfigError, parseConfig } from '@atelier/config';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { getJson, postJson } from '../support/api.ts';
import { at, deliver, stripeEnv, subscriptionEvent } from './stripeEvents.ts';

let platform: TestPlatform;
let alice: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  alice = await platform.createUser({ plan: 'free' });
});
afterAll(async () => platform?.stop());

describe('a server with no Stripe configuration', () => {
  it('tells the web app that no upgrade can be bought here', async () => {
    const me = await getJson<{ upgradeAvailable: boolean }>(platform, alice, '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.upgradeAvailable).toBe(false);
  });

  it('answers checkout with 501 billing_not_configured', async () => {
    const answer = await postJson<{ error: { code: string } }>(platform, alice, '/api/billing/checkout', {});
    expect(answer.status).toBe(501);
    expect(answer.body.error.code).toBe('billing_not_configured');
  });

  it('answers the webhook with 501 billing_not_configured and changes nothing', async () => {
    const event = subscriptionEvent('customer.subscription.created', at(1), { id: 'sub_x', customer: 'cus_x', status: 'active', userId: alice.user.id });
    const answer = await deliver(platform.baseUrl, event);
    expect(answer.status).toBe(501);
    expect(answer.body.error?.code).toBe('billing_not_configured');
    const { rows } = await platform.pool.query('SELECT plan FROM users WHERE id = $1', [alice.user.id]);
    expect(rows[0].plan).toBe('free');
  });

  it('refuses to start with half a Stripe configuration', async () => {
    const { createStripeBilling } = await import('../../apps/api/src/billing/stripeBilling.ts');
    const base = { DATABASE_URL: 'postgres://127.0.0.1/x', REDIS_URL: 'redis://127.0.0.1:6379' };
    const { STRIPE_WEBHOOK_SECRET: _omitted, ...partial } = stripeEnv();
    const config = parseConfig(apiConfigSchema, { ...base, ...partial });
    expect(() => createStripeBilling(config)).toThrow(ConfigError);
    expect(() => createStripeBilling(config)).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(createStripeBilling(parseConfig(apiConfigSchema, base))).toBeNull();
    expect(createStripeBilling(parseConfig(apiConfigSchema, { ...base, ...stripeEnv() }))).not.toBeNull();
  });
});
