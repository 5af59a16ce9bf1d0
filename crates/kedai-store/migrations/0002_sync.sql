-- Sync: where each shop's next pass starts, how the last one went, the records set aside,
-- and the outbox of replies written in the app.

-- One row per synced shop. `state` is the sync engine's own JSON (listing cursor, watermark);
-- it advances in the same transaction as the page it follows.
CREATE TABLE sync_state (
    shop             TEXT PRIMARY KEY REFERENCES shops(id) ON DELETE CASCADE,
    state            TEXT NOT NULL DEFAULT '{}',
    last_attempt     INTEGER,
    last_success     INTEGER,
    last_error       TEXT,
    needs_reconnect  INTEGER NOT NULL DEFAULT 0
);

-- The platform's record of a conversation (what a send needs), and whether its messages must
-- be pulled in full on the next pass because one of them was set aside.
CREATE TABLE sync_conversations (
    shop          TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    conversation  TEXT NOT NULL,
    wire          TEXT NOT NULL,
    resync        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (shop, conversation)
);

-- Records a platform sent that could not be read, kept exactly as they came with the reason.
CREATE TABLE quarantine (
    id            INTEGER PRIMARY KEY,
    shop          TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    conversation  TEXT,
    raw           TEXT NOT NULL,
    error         TEXT NOT NULL,
    at            INTEGER NOT NULL,
    UNIQUE (shop, kind, raw)
);

-- Replies written in the app: queued, then sending, then sent or failed. `before_ids` are the
-- platform's newest message ids seen before the first attempt: after an ambiguous failure the
-- engine looks for the reply among newer messages before sending it again.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    shop          TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    conversation  TEXT NOT NULL,
    text          TEXT NOT NULL,
    agent         TEXT,
    state         TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    retryable     INTEGER NOT NULL DEFAULT 1,
    queued_at     INTEGER NOT NULL,
    sent_at       INTEGER,
    message_id    TEXT,
    before_ids    TEXT,
    UNIQUE (shop, message_id)
);
CREATE INDEX outbox_open ON outbox (shop, state, id);
CREATE INDEX outbox_conversation ON outbox (shop, conversation, id);
