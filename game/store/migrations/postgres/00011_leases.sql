-- +goose Up
-- Table leases: which process owns (runs) each table of a club of several
-- processes, until when (expires_ms, the database's clock), and the fencing
-- token that every write-ahead move of the table is checked against in its
-- own transaction. owner is '' for a released lease; fence only grows.
CREATE TABLE table_leases (
    table_id   TEXT   NOT NULL PRIMARY KEY,
    owner      TEXT   NOT NULL,
    fence      BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL
);
CREATE INDEX table_leases_owner ON table_leases (owner);

-- Version ranges: each process of a club reserves its own range of lobby
-- versions (ReserveVersions), so that no two processes' lobbies use one
-- version number. One row, id 1: the next free version.
CREATE TABLE version_ranges (
    id   INTEGER NOT NULL PRIMARY KEY,
    next BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE version_ranges;
DROP TABLE table_leases;
