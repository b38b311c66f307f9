-- When a refresh token was spent by rotation (not by sign-out or a reuse
-- alarm), so that a client whose refresh answer was lost may retry briefly.
ALTER TABLE sessions ADD COLUMN rotated_at BIGINT;
