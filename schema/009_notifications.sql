-- Notifications: what concerns someone (a reply, a mention, a round of
-- theirs changing phase, their idea merged or linked to a priority), kept
-- per recipient, shown in the app and mailed from an outbox.

-- How a user wants mail: at once, in a daily digest, or never.
ALTER TABLE users ADD COLUMN notify TEXT NOT NULL DEFAULT 'daily'
    CHECK (notify IN ('instant', 'daily', 'off'));

-- One-click unsubscribe tokens (RFC 8058), stored hashed, a fresh one in
-- each mail (the raw token exists only in the mail); each does one thing
-- only: set its user's notify to 'off'.
CREATE TABLE unsubscribe_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    token_hash    BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at    INTEGER NOT NULL
);

-- One row per recipient and thing that happened. A notice whose item is
-- hidden, or whose round the recipient can no longer see, is left out
-- when read and when mailed (the row stays, like everything else).
-- mailed_at: put in the outbox (or skipped because notify was 'off').
CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY,
    recipient_id  INTEGER NOT NULL REFERENCES users (id),
    kind          TEXT    NOT NULL
                          CHECK (kind IN ('reply', 'mention', 'round_open',
                                          'round_voting', 'round_closed',
                                          'merged', 'linked')),
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    post_id       INTEGER REFERENCES posts (id),
    comment_id    INTEGER REFERENCES comments (id),
    chat_id       INTEGER REFERENCES chat_messages (id),
    actor_id      INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    read_at       INTEGER,
    mailed_at     INTEGER
);
CREATE INDEX notifications_by_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unmailed ON notifications (created_at)
    WHERE mailed_at IS NULL;

-- Mails waiting for, or done with, the SMTP server. The message is
-- rendered in full (MIME, with its Message-ID) when it is queued, so that
-- a retry sends the very same bytes.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    recipient_id    INTEGER NOT NULL REFERENCES users (id),
    rcpt            TEXT    NOT NULL,       -- the address at queue time
    message_id      TEXT    NOT NULL UNIQUE,
    subject         TEXT    NOT NULL,
    mime            TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX mail_outbox_pending ON mail_outbox (next_attempt_at)
    WHERE state = 'pending';

-- When each kind of mail run last happened ('digest': the day's digest),
-- so that a digest missed while the server was down goes at start-up.
CREATE TABLE mail_runs (
    name          TEXT    PRIMARY KEY,
    at            INTEGER NOT NULL
);
