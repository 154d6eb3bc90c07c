-- Vote tallies in shards: each database connection adds its votes to rows
-- of its own (post, role, shard), and a post's tally is the sum of its
-- rows. With one row per post and role, a vote took that row's lock until
-- its group of writes committed, so that nodes taking votes on one busy
-- post ran their groups one after the other, each node's event loop
-- waiting meanwhile. A connection draws its shard from a sequence at its
-- first vote (kept for the session in openstrat.tally_shard), so that the
-- connections of different nodes write different rows.
ALTER TABLE post_tallies ADD COLUMN shard integer NOT NULL DEFAULT 0;
ALTER TABLE post_tallies DROP CONSTRAINT post_tallies_pkey;
ALTER TABLE post_tallies ADD PRIMARY KEY (post_id, role, shard);
CREATE SEQUENCE post_tallies_shard;

CREATE OR REPLACE FUNCTION votes_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s integer := nullif(current_setting('openstrat.tally_shard', true), '')::integer;
BEGIN
    IF s IS NULL THEN
        s := nextval('post_tallies_shard') % 64;
        PERFORM set_config('openstrat.tally_shard', s::text, false);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO post_tallies (post_id, role, shard) VALUES (OLD.post_id, OLD.voter_role, s)
            ON CONFLICT DO NOTHING;
        UPDATE post_tallies
           SET up = up - (OLD.value = 1)::int, down = down - (OLD.value = -1)::int,
               dots = dots - OLD.dots
         WHERE post_id = OLD.post_id AND role = OLD.voter_role AND shard = s;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO post_tallies (post_id, role, shard) VALUES (NEW.post_id, NEW.voter_role, s)
            ON CONFLICT DO NOTHING;
        UPDATE post_tallies
           SET up = up + (NEW.value = 1)::int, down = down + (NEW.value = -1)::int,
               dots = dots + NEW.dots
         WHERE post_id = NEW.post_id AND role = NEW.voter_role AND shard = s;
    END IF;
    RETURN NULL;
END;
$$;
