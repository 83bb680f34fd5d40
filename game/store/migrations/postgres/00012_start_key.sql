-- +goose Up
-- start_key identifies one start of a pulka at its table (Pulka.Key): a
-- start whose commit answer was lost is begun again with the same key and
-- gets the row written the first time, never a second pulka. NULL for the
-- rows of older starts (NULLs never conflict).
ALTER TABLE pulkas ADD COLUMN start_key TEXT;
CREATE UNIQUE INDEX pulkas_start_key ON pulkas (table_id, start_key);

-- +goose Down
DROP INDEX pulkas_start_key;
ALTER TABLE pulkas DROP COLUMN start_key;
