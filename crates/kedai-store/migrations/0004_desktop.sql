-- The desktop app's own tables: the agent roster, assignment, category and priority of
-- conversations, and app settings. `IF NOT EXISTS`: files from before it was numbered
-- already hold these tables.

CREATE TABLE IF NOT EXISTS agents (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    -- online | away | do_not_accept (response-rules.md §6)
    status       TEXT NOT NULL DEFAULT 'online',
    capacity     INTEGER NOT NULL DEFAULT 20,
    auto_assign  INTEGER NOT NULL DEFAULT 1,
    -- The last instant the agent was given a chat or replied (ms), for "longest idle".
    idle_since   INTEGER NOT NULL DEFAULT 0,
    is_me        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS conversation_meta (
    cid          INTEGER PRIMARY KEY REFERENCES conversations(cid) ON DELETE CASCADE,
    agent        TEXT REFERENCES agents(id) ON DELETE SET NULL,
    assigned_at  INTEGER,
    -- pre_purchase | logistics | aftersales (NULL: not classified yet)
    category     TEXT,
    priority     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS conversation_meta_agent ON conversation_meta (agent);

CREATE TABLE IF NOT EXISTS app_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
