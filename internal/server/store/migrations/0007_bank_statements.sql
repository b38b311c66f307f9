-- Bank statements staff upload, and their deposits, each matched to the
-- bank-transfer payment it pays, queued for staff, or resolved by staff.
CREATE TABLE bank_statements (
    id          TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    format      TEXT NOT NULL,
    encoding    TEXT NOT NULL,
    size        BIGINT NOT NULL,
    account     TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    withdrawals INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX bank_statements_uploaded ON bank_statements(uploaded_at DESC, id);

-- A transaction that an earlier statement had too (overlapping periods)
-- is a row with duplicate_of set: it shows, and is acted on, as that line.
CREATE TABLE bank_statement_lines (
    id           TEXT PRIMARY KEY,
    statement_id TEXT NOT NULL REFERENCES bank_statements(id),
    line_no      INTEGER NOT NULL,
    fingerprint  TEXT NOT NULL,
    duplicate_of TEXT REFERENCES bank_statement_lines(id),
    booked_on    TEXT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    currency     TEXT NOT NULL,
    remitter     TEXT NOT NULL,
    description  TEXT NOT NULL,
    reference    TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'matched', 'queued', 'resolved', 'duplicate')),
    reason       TEXT NOT NULL DEFAULT '',
    payment_id   TEXT REFERENCES payments(id),
    resolution   TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    resolved_by  TEXT NOT NULL DEFAULT '',
    resolved_at  BIGINT,
    entry_id     TEXT
);
CREATE INDEX bank_statement_lines_statement ON bank_statement_lines(statement_id, line_no);
CREATE INDEX bank_statement_lines_pending ON bank_statement_lines(state);
-- One transaction is reconciled once, however many statements hold it.
CREATE UNIQUE INDEX bank_statement_lines_once ON bank_statement_lines(fingerprint) WHERE duplicate_of IS NULL;
-- A payment is completed from one line at most.
CREATE UNIQUE INDEX bank_statement_lines_payment ON bank_statement_lines(payment_id)
    WHERE state IN ('pending', 'matched') OR resolution IN ('assigned', 'shortfall_accepted');
