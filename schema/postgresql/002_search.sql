-- Full-text search on PostgreSQL: each post's title and body, and each
-- comment's body, as a tsvector that the program computes with its own
-- tokenizer (src/store/words.c: each word folded, with its Snowball stem
-- in Norwegian bokmål, Swedish, Danish and English) and writes with the
-- row, in the same transaction (src/store/search_pg.c). No trigger and no
-- text search configuration: PostgreSQL's parsers split words otherwise,
-- and its configurations stem one language each, so that only the
-- program's own words match what the SQLite build matches.
--
-- Both columns may already be there (created with the tables); these
-- statements then change nothing.

ALTER TABLE posts ADD COLUMN IF NOT EXISTS search tsvector;
ALTER TABLE comments ADD COLUMN IF NOT EXISTS search tsvector;

CREATE INDEX IF NOT EXISTS posts_search ON posts USING gin (search);
CREATE INDEX IF NOT EXISTS comments_search ON comments USING gin (search);
