-- +goose Up
-- A pulka in progress that cannot be restored (its move log is corrupt or
-- refused by the rules, its settings unknown) is abandoned: kept with the
-- time and the reason, never restored again, listed by the archive.
ALTER TABLE pulkas ADD COLUMN abandoned_ms BIGINT;
ALTER TABLE pulkas ADD COLUMN abandon_reason TEXT;

-- Abandoned pulkas are never deleted either.
-- +goose StatementBegin
CREATE FUNCTION pulkas_keep_abandoned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.abandoned_ms IS NOT NULL THEN
        RAISE EXCEPTION 'abandoned pulkas are never deleted';
    END IF;
    RETURN OLD;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER pulkas_keep_abandoned BEFORE DELETE ON pulkas
FOR EACH ROW EXECUTE FUNCTION pulkas_keep_abandoned();

-- +goose Down
DROP TRIGGER pulkas_keep_abandoned ON pulkas;
DROP FUNCTION pulkas_keep_abandoned;
ALTER TABLE pulkas DROP COLUMN abandon_reason;
ALTER TABLE pulkas DROP COLUMN abandoned_ms;
