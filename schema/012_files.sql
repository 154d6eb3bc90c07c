-- Files attached to posts (PDF, PNG, JPEG, WebP). The bytes live outside
-- the database, in a content-addressed folder beside it (DB.files/, named
-- by sha256; docs/STORAGE.md says why); a row is committed only once its
-- bytes are on disk, so every row names a file that is there.
CREATE TABLE files (
    id            INTEGER PRIMARY KEY,
    post_id       INTEGER NOT NULL REFERENCES posts (id),
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    type          TEXT    NOT NULL CHECK (type IN ('application/pdf', 'image/png',
                                                   'image/jpeg', 'image/webp')),
    size          INTEGER NOT NULL CHECK (size > 0),
    sha256        TEXT    NOT NULL CHECK (length(sha256) = 64),
    pages         INTEGER,                    -- a PDF's page count, when known
    uploader_id   INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX files_by_post ON files (post_id, id);
CREATE INDEX files_by_sha ON files (sha256);
