-- Issue 5: a chatbot rule's reply goes through the sync outbox like an agent's, sent as the
-- rule's sender (`bot` or `auto`) so the stored message counts per response-rules.md §3.

-- Who the reply is from once sent. The platform's copy of a reply sent through the seller
-- API reads as the shop's agent; the outbox keeps what it really was.
ALTER TABLE outbox ADD COLUMN sender TEXT NOT NULL DEFAULT 'agent'
    CHECK (sender IN ('agent', 'bot', 'auto'));

-- automation_replies stays the record of which rule fired for which buyer message; the reply
-- itself (text, state, the sent message) is the outbox entry it links to, not a copy here.
ALTER TABLE automation_replies ADD COLUMN outbox INTEGER REFERENCES outbox(id) ON DELETE SET NULL;
ALTER TABLE automation_replies DROP COLUMN message;
ALTER TABLE automation_replies DROP COLUMN sent_at;
CREATE UNIQUE INDEX automation_replies_outbox ON automation_replies (outbox);

-- A rule fires for buyer messages from the instant it was turned on, never for the history a
-- first sync brings in. Rules saved before this migration count from the migration on.
ALTER TABLE automation_rules ADD COLUMN active_from INTEGER NOT NULL DEFAULT 0;
UPDATE automation_rules SET active_from = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
