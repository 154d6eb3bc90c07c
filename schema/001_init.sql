-- openstrat schema, version 1: the whole data model of the v1 contract.
-- Times are INTEGER milliseconds since the Unix epoch (UTC); the server
-- formats them as RFC 3339. Enumerations are TEXT with CHECK constraints and
-- the exact spellings of the protocol. Nothing is ever deleted by the
-- application: moderation hides, revocation marks.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE
                          CHECK (length(username) BETWEEN 1 AND 32),
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL
                          CHECK (role IN ('admin', 'manager', 'employee', 'customer')),
    org           TEXT    NOT NULL DEFAULT '',
    pw_hash       TEXT    NOT NULL,           -- crypto_pwhash_str (argon2id)
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,           -- absolute limit
    revoked_at    INTEGER
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE rounds (
    id              INTEGER PRIMARY KEY,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    phase           TEXT    NOT NULL DEFAULT 'draft'
                            CHECK (phase IN ('draft', 'open', 'voting', 'closed')),
    audience        TEXT    NOT NULL CHECK (audience IN ('internal', 'invited')),
    vote_mode       TEXT    NOT NULL CHECK (vote_mode IN ('updown', 'dots')),
    dots_per_member INTEGER NOT NULL DEFAULT 0 CHECK (dots_per_member >= 0),
    closes_at       INTEGER,
    created_by      INTEGER NOT NULL REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- Customers see only the invited rounds they are members of.
CREATE TABLE round_members (
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    added_by      INTEGER REFERENCES users (id),
    added_at      INTEGER NOT NULL,
    revoked_at    INTEGER,
    PRIMARY KEY (round_id, user_id)
) WITHOUT ROWID;
CREATE INDEX round_members_by_user ON round_members (user_id);

CREATE TABLE invites (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    role          TEXT    NOT NULL CHECK (role IN ('customer', 'employee')),
    round_id      INTEGER REFERENCES rounds (id),
    created_by    INTEGER REFERENCES users (id),   -- NULL: the command line
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER,
    used_by       INTEGER REFERENCES users (id),
    CHECK (role = 'employee' OR round_id IS NOT NULL)
);

CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('plan', 'idea')),
    title         TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    body_html     TEXT    NOT NULL,
    author_id     INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    -- 'hidden' is reported when hidden = 1, whatever the status underneath,
    -- so that restoring an item returns it to what it was.
    status        TEXT    NOT NULL DEFAULT 'open'
                          CHECK (status IN ('open', 'merged', 'promoted')),
    hidden        INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    merged_into   INTEGER REFERENCES posts (id),
    comment_count INTEGER NOT NULL DEFAULT 0,
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
);
CREATE INDEX posts_by_round ON posts (round_id, id);
CREATE INDEX posts_by_author ON posts (author_id);

CREATE TABLE comments (
    id            INTEGER PRIMARY KEY,
    post_id       INTEGER NOT NULL REFERENCES posts (id),
    parent_id     INTEGER REFERENCES comments (id),
    body          TEXT    NOT NULL,
    body_html     TEXT    NOT NULL,
    author_id     INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    hidden        INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1))
);
CREATE INDEX comments_by_post ON comments (post_id, id);

-- One row per voter and post. value is the up/down vote (0: none), dots
-- the dots spent on the post in dots rounds. voter_role is the role at the
-- time of voting, so that tallies by role never need a join.
CREATE TABLE votes (
    post_id       INTEGER NOT NULL REFERENCES posts (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    voter_role    TEXT    NOT NULL
                          CHECK (voter_role IN ('admin', 'manager', 'employee', 'customer')),
    value         INTEGER NOT NULL DEFAULT 0 CHECK (value IN (-1, 0, 1)),
    dots          INTEGER NOT NULL DEFAULT 0 CHECK (dots >= 0),
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
) WITHOUT ROWID;
CREATE INDEX votes_by_voter ON votes (user_id, round_id);

-- Running totals per post and role, kept exact by triggers so that listing
-- a round never scans its votes.
CREATE TABLE post_tallies (
    post_id       INTEGER NOT NULL REFERENCES posts (id),
    role          TEXT    NOT NULL,
    up            INTEGER NOT NULL DEFAULT 0,
    down          INTEGER NOT NULL DEFAULT 0,
    dots          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, role)
) WITHOUT ROWID;

CREATE TRIGGER votes_tally_insert AFTER INSERT ON votes BEGIN
    INSERT INTO post_tallies (post_id, role) VALUES (NEW.post_id, NEW.voter_role)
        ON CONFLICT DO NOTHING;
    UPDATE post_tallies
       SET up = up + (NEW.value = 1), down = down + (NEW.value = -1),
           dots = dots + NEW.dots
     WHERE post_id = NEW.post_id AND role = NEW.voter_role;
END;

CREATE TRIGGER votes_tally_delete AFTER DELETE ON votes BEGIN
    UPDATE post_tallies
       SET up = up - (OLD.value = 1), down = down - (OLD.value = -1),
           dots = dots - OLD.dots
     WHERE post_id = OLD.post_id AND role = OLD.voter_role;
END;

CREATE TRIGGER votes_tally_update AFTER UPDATE ON votes BEGIN
    UPDATE post_tallies
       SET up = up - (OLD.value = 1), down = down - (OLD.value = -1),
           dots = dots - OLD.dots
     WHERE post_id = OLD.post_id AND role = OLD.voter_role;
    INSERT INTO post_tallies (post_id, role) VALUES (NEW.post_id, NEW.voter_role)
        ON CONFLICT DO NOTHING;
    UPDATE post_tallies
       SET up = up + (NEW.value = 1), down = down + (NEW.value = -1),
           dots = dots + NEW.dots
     WHERE post_id = NEW.post_id AND role = NEW.voter_role;
END;

CREATE TRIGGER comments_count_insert AFTER INSERT ON comments BEGIN
    UPDATE posts SET comment_count = comment_count + 1 WHERE id = NEW.post_id;
END;

CREATE TABLE chat_messages (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    author_id     INTEGER NOT NULL REFERENCES users (id),
    body          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    hidden        INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1))
);
CREATE INDEX chat_by_round ON chat_messages (round_id, id);

CREATE TABLE priorities (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    owner_id      INTEGER REFERENCES users (id),
    rank          INTEGER NOT NULL CHECK (rank >= 1),
    created_by    INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX priorities_by_round ON priorities (round_id, rank);

-- A post feeds at most one priority.
CREATE TABLE priority_posts (
    post_id       INTEGER PRIMARY KEY REFERENCES posts (id),
    priority_id   INTEGER NOT NULL REFERENCES priorities (id),
    linked_by     INTEGER NOT NULL REFERENCES users (id),
    linked_at     INTEGER NOT NULL
);
CREATE INDEX priority_posts_by_priority ON priority_posts (priority_id);

CREATE TABLE flags (
    id            INTEGER PRIMARY KEY,
    target_kind   TEXT    NOT NULL CHECK (target_kind IN ('post', 'comment', 'chat')),
    target_id     INTEGER NOT NULL,
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    reason        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    resolved_at   INTEGER,
    UNIQUE (target_kind, target_id, user_id)
);
CREATE INDEX flags_by_round ON flags (round_id, created_at);

-- Who did what, when and why: moderation, membership and account actions.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor_id      INTEGER REFERENCES users (id),  -- NULL: the system or the CLI
    action        TEXT    NOT NULL,
    target_kind   TEXT,
    target_id     INTEGER,
    round_id      INTEGER REFERENCES rounds (id),
    detail        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_time ON audit_log (at);
