-- Issue 5: chatbot rules, the seller's chat-tag word lists, quick replies, guard choices,
-- buyer signals and flags, and the automated replies waiting for the outbox.

-- A chatbot rule as JSON (kedai_core::automation::rules::Rule); its shops are inside.
CREATE TABLE automation_rules (
    id        TEXT PRIMARY KEY,
    priority  INTEGER NOT NULL,
    rule      TEXT NOT NULL
);

-- The seller's edits to the shipped intent word lists: added phrases (removed = 0) and
-- removed shipped phrases (removed = 1).
CREATE TABLE chat_tag_words (
    shop     TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    lang     TEXT NOT NULL,
    weight   INTEGER NOT NULL,
    phrase   TEXT NOT NULL,
    removed  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (shop, tag, phrase)
) WITHOUT ROWID;

-- A system tag the shop turned off (Settings > Chat tags).
CREATE TABLE chat_tags_disabled (
    shop  TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    tag   TEXT NOT NULL,
    PRIMARY KEY (shop, tag)
) WITHOUT ROWID;

CREATE TABLE quick_replies (
    shop   TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    id     TEXT NOT NULL,
    title  TEXT NOT NULL,
    text   TEXT NOT NULL,
    PRIMARY KEY (shop, id)
) WITHOUT ROWID;

-- Guard rules that block sending for the shop (the others warn).
CREATE TABLE guard_blocks (
    shop  TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    rule  TEXT NOT NULL,
    PRIMARY KEY (shop, rule)
) WITHOUT ROWID;

-- Follow, LIVE, video, product-card, favourite and cart signals, where the platform gives them.
CREATE TABLE buyer_signals (
    shop   TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    buyer  TEXT NOT NULL,
    at     INTEGER NOT NULL,
    kind   TEXT NOT NULL,
    UNIQUE (shop, buyer, at, kind)
);

-- An agent flagged the buyer urgent (the High priority folder).
CREATE TABLE buyer_flags (
    shop    TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    buyer   TEXT NOT NULL,
    urgent  INTEGER NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (shop, buyer)
) WITHOUT ROWID;

-- Automated replies the evaluator produced, for the sync outbox to send (at most one per
-- buyer message: a retry never queues twice).
CREATE TABLE automation_replies (
    shop          TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    conversation  TEXT NOT NULL,
    for_message   TEXT NOT NULL,
    rule          TEXT NOT NULL,
    at            INTEGER NOT NULL,
    message       TEXT NOT NULL,   -- the reply as an event-log message (JSON)
    sent_at       INTEGER,
    PRIMARY KEY (shop, for_message)
) WITHOUT ROWID;

-- System tags and sentiment of buyer messages, filled by Store::tag_messages.
CREATE TABLE message_tags (
    shop       TEXT NOT NULL,
    id         TEXT NOT NULL,
    intent     TEXT,
    sentiment  TEXT NOT NULL,
    PRIMARY KEY (shop, id),
    FOREIGN KEY (shop, id) REFERENCES messages(shop, id) ON DELETE CASCADE
) WITHOUT ROWID;
