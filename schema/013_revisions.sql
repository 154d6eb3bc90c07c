-- Plans that listen: a post can be revised in the open, and a comment can
-- point at the paragraph (top-level Markdown block) and words it is about.
--
-- posts.revision counts the versions of a post (1: as first written);
-- post_revisions keeps every version, the first one too, so that anyone in
-- the round can see what changed. posts.blocks is the number of top-level
-- blocks of the body as the server parses it; body_html marks each of them
-- with data-block="N". Posts written before this version have blocks 0 and
-- no marks in the store until they are next revised (post.get marks them as
-- it reads them).
ALTER TABLE posts ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1);
ALTER TABLE posts ADD COLUMN edited_at INTEGER;
ALTER TABLE posts ADD COLUMN blocks INTEGER NOT NULL DEFAULT 0 CHECK (blocks >= 0);

CREATE TABLE post_revisions (
    post_id       INTEGER NOT NULL REFERENCES posts (id),
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    title         TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    author_id     INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (post_id, revision)
) WITHOUT ROWID;

INSERT INTO post_revisions (post_id, revision, title, body, author_id, created_at)
    SELECT id, 1, title, body, author_id, created_at FROM posts;

-- Every new post starts with its first revision.
CREATE TRIGGER posts_first_revision AFTER INSERT ON posts BEGIN
    INSERT INTO post_revisions (post_id, revision, title, body, author_id, created_at)
        VALUES (NEW.id, 1, NEW.title, NEW.body, NEW.author_id, NEW.created_at);
END;

-- An anchored comment: block (0-based; NULL once the quote was lost in a
-- revision, then outdated = 1) and the quoted words (white space collapsed).
ALTER TABLE comments ADD COLUMN anchor_block INTEGER CHECK (anchor_block >= 0);
ALTER TABLE comments ADD COLUMN anchor_quote TEXT;
ALTER TABLE comments ADD COLUMN anchor_outdated INTEGER NOT NULL DEFAULT 0
    CHECK (anchor_outdated IN (0, 1));
ALTER TABLE comments ADD COLUMN edited_at INTEGER;

-- The text a comment had before each edit, for moderators.
CREATE TABLE comment_edits (
    id            INTEGER PRIMARY KEY,
    comment_id    INTEGER NOT NULL REFERENCES comments (id),
    body          TEXT    NOT NULL,
    edited_by     INTEGER NOT NULL REFERENCES users (id),
    edited_at     INTEGER NOT NULL
);
CREATE INDEX comment_edits_by_comment ON comment_edits (comment_id, id);
