import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, TestPlatform } from '../support/platform.ts';
import { getJson, postJson } from '../support/api.ts';
import { useBillingPlatform } from './billingPlatform.ts';
import { stripeEnv } from './stripeEvents.ts';

interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  form: URLSearchParams;
}

/**
 * Answers `POST /v1/checkout/sessions` as Stripe's API documents it: a form-encoded request,
 * a checkout.session object back. A session for the price `price_broken` is refused as Stripe
 * refuses an unknown price.
 */
class FakeStripeApi {
  readonly seen: SeenRequest[] = [];
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.port = await freePort();
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const form = new URLSearchParams(body);
        this.seen.push({ method: request.method!, path: request.url!, authorization: request.headers.authorization, form });
        response.setHeader('content-type', 'application/json');
        response.setHeader('request-id', `req_${this.seen.length}`);
        if (request.method !== 'POST' || request.url !== '/v1/checkout/sessions') {
          response.statusCode = 404;
          response.end(JSON.stringify({ error: { type: 'invalid_request_error', message: `Unrecognized request URL (${request.method}: ${request.url}).` } }));
          return;
        }
        if (form.get('line_items[0][price]') === 'price_broken') {
          response.statusCode = 400;
          response.end(
            JSON.stringify({
              error: { type: 'invalid_request_error', code: 'resource_missing', param: 'line_items[0][price]', message: "No such price: 'price_broken'" },
            }),
          );
          return;
        }
        const id = `cs_test_${this.seen.length}`;
        response.end(
          JSON.stringify({
            id,
            object: 'checkout.session',
            mode: form.get('mode'),
            client_reference_id: form.get('client_reference_id'),
            customer: form.get('customer'),
            customer_email: form.get('customer_email'),
            success_url: form.get('success_url'),
            cancel_url: form.get('cancel_url'),
            status: 'open',
            payment_status: 'unpaid',
            url: `https://checkout.stripe.com/c/pay/${id}`,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const stripeApi = new FakeStripeApi();
beforeAll(async () => stripeApi.start());
afterAll(async () => stripeApi.stop());
// Registered after the fake API's hooks, so the platform starts once the fake API has its port.
const billing = useBillingPlatform(() => stripeEnv(`http://127.0.0.1:${stripeApi.port}`));

describe('POST /api/billing/checkout', () => {
  it('creates a subscription Checkout Session for the Pro price and returns its url', async () => {
    const alice = await billing.newUser();
    expect((await getJson<{ upgradeAvailable: boolean }>(billing.platform, alice, '/api/me')).body.upgradeAvailable).toBe(true);
    const answer = await postJson<{ url: string }>(billing.platform, alice, '/api/billing/checkout', {});
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ url: `https://checkout.stripe.com/c/pay/cs_test_${stripeApi.seen.length}` });

    const request = stripeApi.seen.at(-1)!;
    expect(request.authorization).toBe('Bearer sk_test_atelier');
    const form = Object.fromEntries(request.form);
    expect(form).toMatchObject({
      mode: 'subscription',
      'line_items[0][price]': 'price_pro_monthly',
      'line_items[0][quantity]': '1',
      client_reference_id: alice.user.id,
      customer_email: alice.user.email,
      'subscription_data[metadata][atelier_user_id]': alice.user.id,
      success_url: `${billing.platform.baseUrl}/app?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${billing.platform.baseUrl}/app?checkout=canceled`,
    });
  });

  it('reuses the Stripe customer a returning user paid with before', async () => {
    const bob = await billing.newUser();
    await billing.platform.pool.query(`INSERT INTO stripe_customers (id, user_id) VALUES ('cus_bob_before', $1)`, [bob.user.id]);
    expect((await postJson(billing.platform, bob, '/api/billing/checkout', {})).status).toBe(200);
    const form = stripeApi.seen.at(-1)!.form;
    expect(form.get('customer')).toBe('cus_bob_before');
    expect(form.has('customer_email')).toBe(false);
  });

  it('refuses a user who is Pro already, without asking Stripe', async () => {
    const carol = await billing.newUser({ plan: 'pro' });
    const before = stripeApi.seen.length;
    const answer = await postJson<{ error: { code: string } }>(billing.platform, carol, '/api/billing/checkout', {});
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('plan_already_active');
    expect(stripeApi.seen.length).toBe(before);
  });

  it('needs a signed-in user', async () => {
    const response = await fetch(`${billing.platform.baseUrl}/api/billing/checkout`, { method: 'POST' });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });
});

describe('a Stripe refusal', () => {
  let broken: TestPlatform;
  beforeAll(async () => {
    broken = await TestPlatform.start({ ...stripeEnv(`http://127.0.0.1:${stripeApi.port}`), STRIPE_PRICE_PRO: 'price_broken' });
  });
  afterAll(async () => broken?.stop());

  it("is a 502 billing_provider_failed, not the user's 400", async () => {
    const dave = await broken.createUser({ plan: 'free' });
    const answer = await postJson<{ error: { code: string; message: string } }>(broken, dave, '/api/billing/checkout', {});
    expect(answer.status).toBe(502);
    expect(answer.body.error.code).toBe('billing_provider_failed');
    expect(answer.body.error.message).not.toContain('price_broken');
  });
});
