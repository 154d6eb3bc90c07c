-- Merges that can be counted and undone.
--
-- A post's comments include those of the posts merged into it (they show
-- on its page), so its comment count adds theirs: this index finds a
-- target's merged posts without scanning the round.
CREATE INDEX posts_by_merged_into ON posts (merged_into) WHERE merged_into IS NOT NULL;
