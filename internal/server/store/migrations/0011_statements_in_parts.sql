-- A statement's deposits are recorded in parts, each its own transaction,
-- so that a large upload never holds SQLite's one writer for long:
-- complete is 0 until the last part is in (an upload cut short is finished
-- by the same file uploaded again). Statements recorded before are whole.
ALTER TABLE bank_statements ADD COLUMN complete INTEGER NOT NULL DEFAULT 1;

-- The bank transfers waiting for their money, by amount: a statement
-- upload looks up the open transfers of each deposit's amount, and
-- without this index every deposit line read the whole payments table.
CREATE INDEX payments_open_transfers ON payments(amount, currency)
    WHERE gateway = 'bank_transfer' AND state = 'awaiting_action';
