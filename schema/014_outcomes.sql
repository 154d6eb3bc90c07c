-- Outcomes: a priority becomes a tracked commitment, with the change it
-- must achieve (goal), a status, measures whose every change is kept,
-- milestones, progress updates with their comments, and followers.

ALTER TABLE priorities ADD COLUMN goal TEXT NOT NULL DEFAULT '';
ALTER TABLE priorities ADD COLUMN goal_html TEXT NOT NULL DEFAULT '';
ALTER TABLE priorities ADD COLUMN status TEXT NOT NULL DEFAULT 'planned'
    CHECK (status IN ('planned', 'active', 'at_risk', 'done', 'dropped'));

CREATE TABLE priority_measures (
    id            INTEGER PRIMARY KEY,
    priority_id   INTEGER NOT NULL REFERENCES priorities (id),
    name          TEXT    NOT NULL,
    unit          TEXT    NOT NULL DEFAULT '',
    baseline      REAL    NOT NULL,
    target        REAL    NOT NULL,
    current       REAL    NOT NULL,
    updated_at    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX priority_measures_by_priority ON priority_measures (priority_id, id);

-- Every value a measure's current has had, with its time and who set it
-- (the first row is the value it was created with).
CREATE TABLE measure_history (
    id            INTEGER PRIMARY KEY,
    measure_id    INTEGER NOT NULL REFERENCES priority_measures (id),
    value         REAL    NOT NULL,
    at            INTEGER NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX measure_history_by_measure ON measure_history (measure_id, id);

CREATE TABLE priority_milestones (
    id            INTEGER PRIMARY KEY,
    priority_id   INTEGER NOT NULL REFERENCES priorities (id),
    title         TEXT    NOT NULL,
    due           TEXT    NOT NULL,   -- YYYY-MM-DD
    done_at       INTEGER,
    created_at    INTEGER NOT NULL
);
CREATE INDEX priority_milestones_by_priority ON priority_milestones (priority_id, due, id);

-- Progress updates, each with the priority's status when it was written.
CREATE TABLE priority_updates (
    id            INTEGER PRIMARY KEY,
    priority_id   INTEGER NOT NULL REFERENCES priorities (id),
    body          TEXT    NOT NULL,
    body_html     TEXT    NOT NULL,
    author_id     INTEGER NOT NULL REFERENCES users (id),
    status        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX priority_updates_by_priority ON priority_updates (priority_id, id);

CREATE TABLE update_comments (
    id            INTEGER PRIMARY KEY,
    update_id     INTEGER NOT NULL REFERENCES priority_updates (id),
    parent_id     INTEGER REFERENCES update_comments (id),
    body          TEXT    NOT NULL,
    body_html     TEXT    NOT NULL,
    author_id     INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX update_comments_by_update ON update_comments (update_id, id);

-- A person's own choice about following a priority: 1 follows, 0 stopped
-- following. Without a row, people who wrote, voted on or commented on an
-- idea linked to the priority follow it.
CREATE TABLE priority_follows (
    priority_id   INTEGER NOT NULL REFERENCES priorities (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    following     INTEGER NOT NULL CHECK (following IN (0, 1)),
    at            INTEGER NOT NULL,
    PRIMARY KEY (priority_id, user_id)
) WITHOUT ROWID;

-- Notices about priorities: a progress update, a status change. The kinds
-- are a CHECK, which SQLite cannot alter: the table is rebuilt.
CREATE TABLE notifications_new (
    id            INTEGER PRIMARY KEY,
    recipient_id  INTEGER NOT NULL REFERENCES users (id),
    kind          TEXT    NOT NULL
                          CHECK (kind IN ('reply', 'mention', 'round_open',
                                          'round_voting', 'round_closed',
                                          'merged', 'linked',
                                          'priority_update', 'priority_status')),
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    post_id       INTEGER REFERENCES posts (id),
    comment_id    INTEGER REFERENCES comments (id),
    chat_id       INTEGER REFERENCES chat_messages (id),
    actor_id      INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    read_at       INTEGER,
    mailed_at     INTEGER,
    priority_id   INTEGER REFERENCES priorities (id),
    update_id     INTEGER REFERENCES priority_updates (id)
);
INSERT INTO notifications_new (id, recipient_id, kind, round_id, post_id, comment_id,
                               chat_id, actor_id, created_at, read_at, mailed_at)
    SELECT id, recipient_id, kind, round_id, post_id, comment_id, chat_id, actor_id,
           created_at, read_at, mailed_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_by_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unmailed ON notifications (created_at)
    WHERE mailed_at IS NULL;
