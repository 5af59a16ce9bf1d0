-- Issue 7, "start a chat from an order": when the buyer has no conversation with the shop
-- yet, the app asks the sync engine to open one on the platform (TikTok Shop by buyer,
-- Lazada by order). The app writes the request; the shop's sync step calls the platform,
-- stores the conversation and records the outcome here: `opened` with the conversation's
-- id, or `failed` with the platform's reason.
CREATE TABLE open_requests (
    id           INTEGER PRIMARY KEY,
    shop         TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    order_id     TEXT NOT NULL,
    buyer        TEXT NOT NULL,
    at           INTEGER NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending',  -- pending | opened | failed
    conversation TEXT,
    error        TEXT,
    done_at      INTEGER
);
CREATE INDEX open_requests_pending ON open_requests (shop, id) WHERE state = 'pending';
