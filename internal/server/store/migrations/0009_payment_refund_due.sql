-- Money a payment brought that no invoice needed and the balance cap had
-- no room for (a second capture of a paid add-funds invoice, a service
-- invoice's excess past max_balance): owed back to the customer, in minor
-- units of the payment's currency. The payment shows it; staff refund it.
ALTER TABLE payments ADD COLUMN refund_due BIGINT NOT NULL DEFAULT 0;
