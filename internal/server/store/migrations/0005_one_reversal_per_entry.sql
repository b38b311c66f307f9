-- A ledger entry is reversed at most once: a reversal's reference is the
-- id of the entry it reverses.
CREATE UNIQUE INDEX ledger_one_reversal_per_entry ON ledger_entries(customer_id, reference) WHERE kind = 'reversal';
