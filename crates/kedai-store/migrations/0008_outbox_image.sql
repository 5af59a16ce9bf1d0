-- Issue 7: an image pasted into the composer goes out through the outbox like a text reply.
-- The bytes stay here until sent; `image_url` is where the platform's host put them (kept so
-- that a retry does not upload twice).
ALTER TABLE outbox ADD COLUMN image BLOB;
ALTER TABLE outbox ADD COLUMN image_type TEXT;
ALTER TABLE outbox ADD COLUMN image_url TEXT;
