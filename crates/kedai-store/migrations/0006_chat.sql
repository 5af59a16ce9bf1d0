-- Issue 7, the chat window: what a message carries besides its words (image and video URLs,
-- the ids on product, order, return and coupon cards), and the agent actions on a
-- conversation that the event log's marks do not cover (transfer with a note, abuse reports
-- with the transcript kept as evidence).

-- Written by whoever reads the platform's message (the sync engine); the app only shows it.
CREATE TABLE message_details (
    shop        TEXT NOT NULL,
    id          TEXT NOT NULL,
    image_url   TEXT,
    video_url   TEXT,
    sticker_id  TEXT,
    product_id  TEXT,
    order_id    TEXT,
    return_id   TEXT,
    coupon_id   TEXT,
    -- The card's other fields as the platform gave them (JSON object of strings).
    extra       TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (shop, id),
    FOREIGN KEY (shop, id) REFERENCES messages(shop, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE chat_actions (
    id            INTEGER PRIMARY KEY,
    cid           INTEGER NOT NULL REFERENCES conversations(cid) ON DELETE CASCADE,
    at            INTEGER NOT NULL,
    -- transfer | report_abuse
    action        TEXT NOT NULL CHECK (action IN ('transfer', 'report_abuse')),
    agent         TEXT,
    -- transfer: the agent it went to
    to_agent      TEXT,
    -- report_abuse: spam | harassment | offensive | fraud | other
    reason        TEXT,
    note          TEXT,
    -- report_abuse: the conversation's transcript at the time of the report (JSON lines of
    -- the event log's `message` records)
    evidence      TEXT,
    -- recorded_locally | sent
    delivery      TEXT NOT NULL DEFAULT 'recorded_locally'
);
CREATE INDEX chat_actions_cid ON chat_actions (cid, at);
