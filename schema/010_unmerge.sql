-- Merges that can be counted and undone.
--
-- A post's comments include those of the posts merged into it (they show
-- on its page), so its comment count adds theirs: this index finds a
-- target's merged posts without scanning the round.
CREATE INDEX posts_by_merged_into ON posts (merged_into) WHERE merged_into IS NOT NULL;

-- The votes a merge moved from the merged post to its target, so that
-- post.unmerge can move them back. Votes of people who had voted on both
-- posts are dropped by the merge (they keep the target's) and are not
-- recorded. Merges made before this table existed unmerge without moving
-- votes back.
CREATE TABLE merge_moved_votes (
    post_id       INTEGER NOT NULL REFERENCES posts (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (post_id, user_id)
) WITHOUT ROWID;
