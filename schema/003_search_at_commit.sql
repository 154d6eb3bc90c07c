-- New posts and comments are indexed once per committed group of writes
-- instead of by a trigger on every insert: FTS5 writes its pending terms
-- to disk at every savepoint, and each write runs in a savepoint of its
-- own, so a trigger cost a new index segment (and the merging after it)
-- per comment. The store now indexes the rows a group inserted with one
-- statement just before the group's COMMIT, in the same transaction, so a
-- row and its index entry are committed together or not at all.
--
-- Bodies are never edited today; the update triggers stay so that an edit
-- keeps the index right (the store indexes pending rows first).

DROP TRIGGER posts_fts_insert;
DROP TRIGGER comments_fts_insert;
