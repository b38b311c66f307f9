-- What the server wrote as an entry's description (a deposit, a voucher,
-- credit applied, a reversal), kept as its text and arguments (words.Msg,
-- stored as JSON) so that the ledger is read in the language each request
-- asks in; description keeps it in English. Empty for a description a
-- person wrote (a staff adjustment's reason), shown as written, and for
-- entries booked before this column existed, shown in English.
ALTER TABLE ledger_entries ADD COLUMN phrase TEXT NOT NULL DEFAULT '';
