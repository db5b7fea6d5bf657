-- Up Migration

-- Every verified Stripe event, inserted once in the same transaction as its effect: a
-- redelivery finds its id here and changes nothing.
CREATE TABLE stripe_events (
  id text PRIMARY KEY,
  type text NOT NULL,
  -- Stripe's own `created` of the event, not our clock.
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- Which user a Stripe customer pays for. A user may come to have more than one customer (a
-- second checkout before the first one finished), never the other way round.
CREATE TABLE stripe_customers (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stripe_customers_user_idx ON stripe_customers (user_id);

-- The newest known state of each subscription. Its customer may not be linked to a user yet
-- (the subscription's events can arrive before checkout.session.completed), so there is no
-- foreign key to stripe_customers: the state waits here until the link comes.
CREATE TABLE stripe_subscriptions (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  status text NOT NULL,
  grants_pro boolean NOT NULL,
  -- (state_at, state_rank) orders the events of one subscription; see recordSubscriptionState.
  state_at timestamptz NOT NULL,
  state_rank smallint NOT NULL,
  event_id text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stripe_subscriptions_customer_idx ON stripe_subscriptions (customer_id);

-- Down Migration

DROP TABLE stripe_subscriptions;
DROP TABLE stripe_customers;
DROP TABLE stripe_events;
