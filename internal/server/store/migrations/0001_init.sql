-- Billfold reference server schema. Portable between SQLite and PostgreSQL:
-- {{AUTOID}} and {{BLOB}} are replaced per dialect; times are Unix microseconds.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('customer', 'staff')),
    locale        TEXT NOT NULL,
    currency      TEXT NOT NULL DEFAULT '',
    company       TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    balance       BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
    ledger_seq    BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users(id),
    family          TEXT NOT NULL,
    access_hash     TEXT NOT NULL UNIQUE,
    access_expires  BIGINT NOT NULL,
    refresh_hash    TEXT NOT NULL UNIQUE,
    refresh_expires BIGINT NOT NULL,
    revoked         INTEGER NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL
);
CREATE INDEX sessions_family ON sessions(family);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE invoices (
    id             TEXT PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    customer_id    TEXT NOT NULL REFERENCES users(id),
    kind           TEXT NOT NULL CHECK (kind IN ('add_funds', 'service')),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'unpaid', 'paid', 'cancelled', 'refunded')),
    currency       TEXT NOT NULL,
    issued_at      BIGINT NOT NULL,
    due_at         BIGINT NOT NULL,
    paid_at        BIGINT,
    cancelled_at   BIGINT,
    gateway        TEXT NOT NULL DEFAULT '',
    policy_version TEXT NOT NULL DEFAULT '',
    subtotal       BIGINT NOT NULL,
    tax            BIGINT NOT NULL,
    total          BIGINT NOT NULL,
    credit_applied BIGINT NOT NULL DEFAULT 0,
    amount_paid    BIGINT NOT NULL DEFAULT 0,
    language       TEXT NOT NULL,
    seller_json    TEXT NOT NULL,
    buyer_json     TEXT NOT NULL,
    CHECK (credit_applied + amount_paid <= total)
);
CREATE INDEX invoices_customer_issued ON invoices(customer_id, issued_at DESC, id DESC);
CREATE INDEX invoices_customer_status ON invoices(customer_id, status, kind);

CREATE TABLE invoice_lines (
    invoice_id  TEXT NOT NULL REFERENCES invoices(id),
    pos         INTEGER NOT NULL,
    description TEXT NOT NULL,
    quantity    BIGINT NOT NULL,
    unit_price  BIGINT NOT NULL,
    tax_rate    INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, pos)
);

CREATE TABLE payments (
    id             TEXT PRIMARY KEY,
    invoice_id     TEXT NOT NULL REFERENCES invoices(id),
    customer_id    TEXT NOT NULL REFERENCES users(id),
    gateway        TEXT NOT NULL,
    state          TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    reference      TEXT UNIQUE,
    checkout_token TEXT UNIQUE,
    card_challenge INTEGER NOT NULL DEFAULT 0,
    failure_reason TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    expires_at     BIGINT
);
CREATE INDEX payments_invoice ON payments(invoice_id, created_at);

CREATE TABLE ledger_entries (
    id            TEXT PRIMARY KEY,
    customer_id   TEXT NOT NULL REFERENCES users(id),
    seq           BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    amount        BIGINT NOT NULL,
    currency      TEXT NOT NULL,
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    description   TEXT NOT NULL,
    reference     TEXT NOT NULL DEFAULT '',
    actor         TEXT NOT NULL,
    invoice_id    TEXT,
    payment_id    TEXT,
    created_at    BIGINT NOT NULL,
    UNIQUE (customer_id, seq)
);
-- A payment can credit the ledger once, whatever the number of callbacks.
CREATE UNIQUE INDEX ledger_one_deposit_per_payment ON ledger_entries(payment_id) WHERE kind = 'deposit';

CREATE TABLE vouchers (
    code       TEXT NOT NULL,
    currency   TEXT NOT NULL,
    amount     BIGINT NOT NULL CHECK (amount > 0),
    expires_at BIGINT,
    PRIMARY KEY (code, currency)
);

CREATE TABLE voucher_redemptions (
    code        TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES users(id),
    entry_id    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (code, customer_id)
);

CREATE TABLE idempotency_keys (
    principal_id TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status_code  INTEGER NOT NULL,
    body         {{BLOB}} NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (principal_id, key)
);
CREATE INDEX idempotency_created ON idempotency_keys(created_at);

CREATE TABLE events (
    id          {{AUTOID}},
    customer_id TEXT NOT NULL,
    type        TEXT NOT NULL,
    data        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX events_customer ON events(customer_id, id);

CREATE TABLE gateway_events (
    event_id   TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id          {{AUTOID}},
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    customer_id TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
