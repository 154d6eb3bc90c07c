-- Full-text search over posts and comments (SQLite FTS5), kept in step with
-- the tables by triggers. Used for "similar ideas" while someone types a new
-- one, and for the search box; visibility is checked by the server on every
-- hit, never by the index.

CREATE VIRTUAL TABLE posts_fts USING fts5 (
    title, body,
    content = 'posts', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE comments_fts USING fts5 (
    body,
    content = 'comments', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO posts_fts (rowid, title, body) SELECT id, title, body FROM posts;
INSERT INTO comments_fts (rowid, body) SELECT id, body FROM comments;

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, body ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, title, body)
        VALUES ('delete', OLD.id, OLD.title, OLD.body);
    INSERT INTO posts_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts (rowid, body) VALUES (NEW.id, NEW.body);
END;
CREATE TRIGGER comments_fts_update AFTER UPDATE OF body ON comments BEGIN
    INSERT INTO comments_fts (comments_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
    INSERT INTO comments_fts (rowid, body) VALUES (NEW.id, NEW.body);
END;
