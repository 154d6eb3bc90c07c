-- Search matches inflected forms in Norwegian bokmål, Swedish, Danish and
-- English ("kunder" finds "kundene"), with the program's own tokenizer,
-- openstrat_stem (src/store/tokenizer.c): each word is indexed as itself,
-- lower-cased and folded (å, ä, ö, ø and æ kept), together with its
-- Snowball stem in each of the four languages. The search tables are built
-- again with it from the rows they index.
--
-- The tokenizer lives in the program: a connection that has not registered
-- it (the sqlite3 shell) cannot read or write these two tables, nor edit
-- the title or body of a post or the body of a comment (the update
-- triggers of 002 write the index). Everything else stays readable there.
--
-- The update triggers of 002 name the tables, not the tokenizer, and keep
-- working with the new ones; new rows are indexed by the store at commit
-- (003).

DROP TABLE posts_fts;
DROP TABLE comments_fts;

CREATE VIRTUAL TABLE posts_fts USING fts5 (
    title, body,
    content = 'posts', content_rowid = 'id',
    tokenize = 'openstrat_stem'
);

CREATE VIRTUAL TABLE comments_fts USING fts5 (
    body,
    content = 'comments', content_rowid = 'id',
    tokenize = 'openstrat_stem'
);

INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');
INSERT INTO comments_fts (comments_fts) VALUES ('rebuild');
