-- The needs behind the wishes: leadership groups ideas under a named need
-- without merging them. An idea may serve several needs, and a priority may
-- answer several needs; links stay within one round (the forum checks it).
-- A deleted need keeps its row and links (deleted_at set), like everything
-- else the application removes from view.
CREATE TABLE needs (
    id               INTEGER PRIMARY KEY,
    round_id         INTEGER NOT NULL REFERENCES rounds (id),
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    description_html TEXT    NOT NULL DEFAULT '',
    created_by       INTEGER NOT NULL REFERENCES users (id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    deleted_at       INTEGER
);
CREATE INDEX needs_by_round ON needs (round_id, id);

CREATE TABLE need_posts (
    need_id       INTEGER NOT NULL REFERENCES needs (id),
    post_id       INTEGER NOT NULL REFERENCES posts (id),
    linked_by     INTEGER NOT NULL REFERENCES users (id),
    linked_at     INTEGER NOT NULL,
    PRIMARY KEY (need_id, post_id)
) WITHOUT ROWID;
CREATE INDEX need_posts_by_post ON need_posts (post_id);

CREATE TABLE need_priorities (
    need_id       INTEGER NOT NULL REFERENCES needs (id),
    priority_id   INTEGER NOT NULL REFERENCES priorities (id),
    linked_by     INTEGER NOT NULL REFERENCES users (id),
    linked_at     INTEGER NOT NULL,
    PRIMARY KEY (need_id, priority_id)
) WITHOUT ROWID;
CREATE INDEX need_priorities_by_priority ON need_priorities (priority_id);

-- The customer organisations overview (orgs.list) asks for each person's
-- latest comment and chat message.
CREATE INDEX comments_by_author ON comments (author_id, created_at);
CREATE INDEX chat_by_author ON chat_messages (author_id, created_at);
