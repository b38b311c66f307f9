-- Completion callbacks the sandbox gateway still owes: stored in the same
-- transaction that puts a payment in 'processing', deleted in the one that
-- processes the callback, and delivered again until then, as a PSP retries
-- a callback nobody acknowledged. A payment cannot stay in 'processing'.
CREATE TABLE sandbox_callbacks (
    event_id   TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
