-- Payments through a payment service provider (Stripe): the provider's
-- hosted checkout the customer is sent to, the provider's id of that
-- checkout, and of the charge once paid (a dispute names the charge).
ALTER TABLE payments ADD COLUMN checkout_url TEXT;
ALTER TABLE payments ADD COLUMN provider_session TEXT;
ALTER TABLE payments ADD COLUMN provider_charge TEXT;
CREATE INDEX payments_provider_charge ON payments(gateway, provider_charge);

-- A charge the customer's bank disputed. What was still unspent of the
-- credit it bought is reversed at once (entry_id, reversed); the rest is
-- staff's to settle with the customer (unrecovered).
CREATE TABLE disputes (
    id          TEXT PRIMARY KEY,
    gateway     TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES users(id),
    payment_id  TEXT NOT NULL REFERENCES payments(id),
    invoice_id  TEXT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    currency    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    reversed    BIGINT NOT NULL CHECK (reversed >= 0),
    unrecovered BIGINT NOT NULL CHECK (unrecovered >= 0),
    entry_id    TEXT,
    created_at  BIGINT NOT NULL,
    CHECK (reversed + unrecovered = amount)
);
CREATE INDEX disputes_created ON disputes(created_at DESC, id);
CREATE INDEX disputes_payment ON disputes(payment_id);
