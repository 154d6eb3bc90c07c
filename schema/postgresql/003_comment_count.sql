-- A post's comment_count is raised by the store when the group of writes
-- that added its comments commits (one UPDATE a post, in post id order),
-- not by a trigger at each insert: the trigger held the post's row lock
-- from a group's first comment on it to the group's COMMIT, so that the
-- groups of several nodes commenting on one busy post ran one after the
-- other, each node's event loop waiting meanwhile.
DROP TRIGGER comments_count_insert ON comments;
DROP FUNCTION comments_count();
