-- +goose Up
-- A pulka in progress that cannot be restored (its move log is corrupt or
-- refused by the rules, its settings unknown) is abandoned: kept with the
-- time and the reason, never restored again, listed by the archive.
ALTER TABLE pulkas ADD COLUMN abandoned_ms BIGINT;
ALTER TABLE pulkas ADD COLUMN abandon_reason TEXT;

-- Abandoned pulkas are never deleted either.
-- +goose StatementBegin
CREATE TRIGGER pulkas_keep_abandoned BEFORE DELETE ON pulkas
WHEN OLD.abandoned_ms IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'abandoned pulkas are never deleted');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER pulkas_keep_abandoned;
ALTER TABLE pulkas DROP COLUMN abandon_reason;
ALTER TABLE pulkas DROP COLUMN abandoned_ms;
