-- Kedai's local file. Instants are INTEGER milliseconds since the Unix epoch (UTC).

CREATE TABLE shops (
    id        TEXT PRIMARY KEY,
    platform  TEXT NOT NULL,
    region    TEXT NOT NULL,
    tz        TEXT NOT NULL,
    name      TEXT,
    mall      INTEGER,
    -- ShopSettings as JSON (`response-rules.md` settings).
    settings  TEXT NOT NULL DEFAULT '{}',
    -- The latest instant of any conversation fact stored: from then on the derived inbox
    -- columns describe the conversations as they are.
    latest_at INTEGER
);

-- Holiday mode, weekend coverage, operating hours and extra public holidays.
CREATE TABLE timeline (
    shop   TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    kind   TEXT NOT NULL,
    at     INTEGER NOT NULL,           -- from / at; public_holiday: the date at 00:00 UTC
    until  INTEGER NOT NULL,           -- `to`; 9223372036854775807 when open-ended
    data   TEXT NOT NULL DEFAULT '',   -- operating hours JSON, or the holiday's name
    UNIQUE (shop, kind, at, until, data)
);

CREATE TABLE buyers (
    shop   TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    buyer  TEXT NOT NULL,
    name   TEXT,
    PRIMARY KEY (shop, buyer)
) WITHOUT ROWID;

-- The buyer's blocked flag and account state from `at` on.
CREATE TABLE buyer_states (
    shop           TEXT NOT NULL,
    buyer          TEXT NOT NULL,
    at             INTEGER NOT NULL,
    blocked        INTEGER NOT NULL,   -- 1, 0, or -1 when the fact does not say
    account_state  TEXT NOT NULL,      -- '' when the fact does not say
    UNIQUE (shop, buyer, at, blocked, account_state),
    FOREIGN KEY (shop, buyer) REFERENCES buyers(shop, buyer) ON DELETE CASCADE
);

CREATE TABLE conversations (
    cid              INTEGER PRIMARY KEY,
    shop             TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    conversation     TEXT NOT NULL,
    buyer            TEXT NOT NULL,
    -- Derived by the clock each time a fact of the conversation is written:
    open_opened_at   INTEGER,          -- the open inquiry (NULL: none)
    open_deadline    INTEGER,
    open_due_soon_at INTEGER,
    open_policy      TEXT,
    weekend_moved    INTEGER NOT NULL DEFAULT 0,
    sort_deadline    INTEGER NOT NULL DEFAULT 9223372036854775807,
    closes_at        INTEGER,          -- when the last session ends (NULL: never opened one)
    last_message_at  INTEGER,
    last_buyer_at    INTEGER,
    last_agent_at    INTEGER,
    stars            TEXT NOT NULL DEFAULT '[]',
    starred          INTEGER NOT NULL DEFAULT 0,
    -- Written by the app when an agent opens the conversation.
    read_at          INTEGER,
    unread           INTEGER NOT NULL DEFAULT 0,
    closed           INTEGER NOT NULL DEFAULT 1,
    UNIQUE (shop, conversation)
);
-- `closed` = 1 once the conversation is known closed for good: closes_at is NULL or at or
-- before `sweep.until`. Inbox queries at `now` first sweep (closes_at <= now), so the live
-- filters read small partial indexes that hold only conversations that may still be open.
CREATE INDEX conversations_sort ON conversations (sort_deadline, last_message_at DESC, shop, conversation);
CREATE INDEX conversations_live ON conversations (sort_deadline, last_message_at DESC, shop, conversation, closes_at)
    WHERE closed = 0;
CREATE INDEX conversations_live_open ON conversations (open_deadline, closes_at, open_due_soon_at)
    WHERE closed = 0 AND open_deadline IS NOT NULL;
CREATE INDEX conversations_live_closes ON conversations (closes_at) WHERE closed = 0;
CREATE INDEX conversations_live_unread ON conversations (sort_deadline, last_message_at DESC, shop, conversation, closes_at)
    WHERE closed = 0 AND unread = 1;
CREATE INDEX conversations_live_starred ON conversations (sort_deadline, last_message_at DESC, shop, conversation, closes_at)
    WHERE closed = 0 AND starred = 1;
CREATE INDEX conversations_buyer ON conversations (shop, buyer);

CREATE TABLE messages (
    shop                 TEXT NOT NULL,
    id                   TEXT NOT NULL,
    cid                  INTEGER NOT NULL REFERENCES conversations(cid) ON DELETE CASCADE,
    at                   INTEGER NOT NULL,
    sender               TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    text                 TEXT,
    agent                TEXT,
    faq_chat_with_agent  INTEGER,
    platform_handled     INTEGER,
    PRIMARY KEY (shop, id)
);
CREATE INDEX messages_conversation ON messages (cid, at);

CREATE TABLE marks (
    cid     INTEGER NOT NULL REFERENCES conversations(cid) ON DELETE CASCADE,
    at      INTEGER NOT NULL,
    action  TEXT NOT NULL,
    agent   TEXT NOT NULL DEFAULT '',
    UNIQUE (cid, at, action, agent)
);

CREATE TABLE ratings (
    cid    INTEGER NOT NULL REFERENCES conversations(cid) ON DELETE CASCADE,
    at     INTEGER NOT NULL,
    score  TEXT NOT NULL,
    UNIQUE (cid, at, score)
);

CREATE TABLE orders (
    shop      TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    id        TEXT NOT NULL,
    buyer     TEXT NOT NULL,
    at        INTEGER NOT NULL,
    amount    REAL,
    currency  TEXT,
    status    TEXT,
    PRIMARY KEY (shop, id)
);
CREATE INDEX orders_at ON orders (shop, at);
CREATE INDEX orders_buyer ON orders (shop, buyer, at);

-- Derived: the clock's items (inquiries and left-out buyer messages), recomputed with the
-- engine for a conversation whenever one of its facts is written.
CREATE TABLE items (
    cid               INTEGER NOT NULL REFERENCES conversations(cid) ON DELETE CASCADE,
    seq               INTEGER NOT NULL,
    shop              TEXT NOT NULL,
    message           TEXT NOT NULL,
    opened_at         INTEGER NOT NULL,
    excluded          TEXT,
    excluded_at       INTEGER,
    counted_at        BLOB NOT NULL,   -- little-endian i64 milliseconds
    session           INTEGER NOT NULL,
    first_in_session  INTEGER NOT NULL,
    policy            TEXT NOT NULL,
    deadline          INTEGER NOT NULL,
    due_soon_at       INTEGER,
    deadline2         INTEGER,
    weekend_moved     INTEGER NOT NULL,
    agent_reply_at    INTEGER,
    auto_reply_at     INTEGER,
    followup_at       INTEGER,
    closed_at         INTEGER,
    PRIMARY KEY (cid, seq)
);
CREATE INDEX items_opened ON items (shop, opened_at);

CREATE TABLE sessions (
    cid               INTEGER NOT NULL REFERENCES conversations(cid) ON DELETE CASCADE,
    idx               INTEGER NOT NULL,
    shop              TEXT NOT NULL,
    started_at        INTEGER NOT NULL,
    seller_initiated  INTEGER NOT NULL,
    ended_at          INTEGER NOT NULL,
    ended_by_agent    INTEGER NOT NULL,
    ratings           TEXT NOT NULL,   -- JSON [[ms, score], ...]
    agents            TEXT NOT NULL,   -- JSON [[agent, ms], ...]
    PRIMARY KEY (cid, idx)
);
CREATE INDEX sessions_started ON sessions (shop, started_at);

-- The change feed: one row per written fact group; the app turns it into UI events.
CREATE TABLE changes (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    shop          TEXT NOT NULL,
    cid           INTEGER,
    what          TEXT NOT NULL
);

-- How far the inbox has swept conversations into `closed` (milliseconds).
CREATE TABLE sweep (
    one    INTEGER PRIMARY KEY CHECK (one = 1),
    until  INTEGER NOT NULL
);
INSERT INTO sweep (one, until) VALUES (1, -9223372036854775808);
