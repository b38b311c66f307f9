-- The server's Ed25519 signing key (internal/anchor): its 32-byte seed,
-- base64. One row, created on first start, never changed: archives pin
-- the public key, and a changed key is refused by every one of them.
CREATE TABLE signing_key (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seed       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
