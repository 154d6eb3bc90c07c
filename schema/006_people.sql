-- People from the company directory and the staff list: an email address,
-- where the account came from, and when it was last seen. An account made by
-- `openstrat user import` or by a directory sign-in has no local password
-- (pw_hash is ''): it signs in through the directory or a reset link.

ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'local'
    CHECK (source IN ('local', 'directory', 'invite'));
ALTER TABLE users ADD COLUMN last_seen_at INTEGER;

UPDATE users SET source = 'invite'
 WHERE id IN (SELECT used_by FROM invites WHERE used_by IS NOT NULL);
UPDATE users SET last_seen_at = (SELECT max(last_seen) FROM sessions
                                  WHERE sessions.user_id = users.id);

CREATE INDEX users_by_email ON users (email COLLATE NOCASE) WHERE email <> '';

-- One-use links an admin hands out to set a password (24 hours).
CREATE TABLE password_resets (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    created_by    INTEGER REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
);
CREATE INDEX password_resets_by_user ON password_resets (user_id);
