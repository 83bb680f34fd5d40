-- +goose Up
-- Players: names are unique by account.NameKey (name_key), identities by
-- provider + provider user id. mu and sigma are the current rating.
CREATE TABLE players (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             TEXT    NOT NULL,
    name_key         TEXT    NOT NULL UNIQUE,
    provider         TEXT    NOT NULL,
    provider_user_id TEXT    NOT NULL,
    secret           TEXT    NOT NULL DEFAULT '',
    created_ms       BIGINT  NOT NULL,
    mu               DOUBLE PRECISION NOT NULL,
    sigma            DOUBLE PRECISION NOT NULL,
    UNIQUE (provider, provider_user_id)
);

-- A pulka: settings is the record header (PULKA-FORMAT without deals),
-- config the table's own settings; finished_ms is NULL while in progress.
CREATE TABLE pulkas (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_id    TEXT   NOT NULL,
    settings    TEXT   NOT NULL,
    config      TEXT   NOT NULL DEFAULT '{}',
    started_ms  BIGINT NOT NULL,
    finished_ms BIGINT,
    fines       TEXT
);
CREATE INDEX pulkas_in_progress ON pulkas (id) WHERE finished_ms IS NULL;
CREATE INDEX pulkas_finished ON pulkas (id) WHERE finished_ms IS NOT NULL;

-- Seats, and once finished each seat's settlement and rating change (the
-- rating history).
CREATE TABLE seats (
    pulka_id     BIGINT  NOT NULL REFERENCES pulkas (id),
    seat         INTEGER NOT NULL,
    player_id    BIGINT  NOT NULL REFERENCES players (id),
    result       TEXT,
    rounded      BIGINT,
    place        INTEGER,
    mu_before    DOUBLE PRECISION,
    sigma_before DOUBLE PRECISION,
    mu_after     DOUBLE PRECISION,
    sigma_after  DOUBLE PRECISION,
    PRIMARY KEY (pulka_id, seat),
    UNIQUE (pulka_id, player_id)
);
CREATE INDEX seats_by_player ON seats (player_id, pulka_id);

-- Deals: the seed (a uint64 stored as its two's complement), the dealer and
-- the raspasy series determine the deal; score is the record deal (JSON),
-- written when the pulka finishes.
CREATE TABLE deals (
    pulka_id   BIGINT  NOT NULL REFERENCES pulkas (id),
    deal_no    INTEGER NOT NULL,
    seed       BIGINT  NOT NULL,
    dealer     INTEGER NOT NULL,
    series     INTEGER NOT NULL,
    started_ms BIGINT  NOT NULL,
    score      TEXT,
    PRIMARY KEY (pulka_id, deal_no)
);

-- Moves, written ahead: a move is acknowledged only once its row is committed.
CREATE TABLE moves (
    pulka_id BIGINT  NOT NULL,
    deal_no  INTEGER NOT NULL,
    move_no  INTEGER NOT NULL,
    move     TEXT    NOT NULL,
    at_ms    BIGINT  NOT NULL,
    PRIMARY KEY (pulka_id, deal_no, move_no),
    FOREIGN KEY (pulka_id, deal_no) REFERENCES deals (pulka_id, deal_no)
);

-- Finished pulkas are never deleted.
-- +goose StatementBegin
CREATE FUNCTION pulkas_keep_finished() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.finished_ms IS NOT NULL THEN
        RAISE EXCEPTION 'finished pulkas are never deleted';
    END IF;
    RETURN OLD;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER pulkas_keep_finished BEFORE DELETE ON pulkas
FOR EACH ROW EXECUTE FUNCTION pulkas_keep_finished();

-- +goose Down
DROP TABLE moves;
DROP TABLE deals;
DROP TABLE seats;
DROP TABLE pulkas;
DROP FUNCTION pulkas_keep_finished;
DROP TABLE players;
