-- The buyer's display name and avatar as the platform's conversation listing gives them
-- (the event log carries neither). Written by the sync engine; the app shows them as text
-- and as an `https:` image.
ALTER TABLE buyers ADD COLUMN avatar TEXT;
