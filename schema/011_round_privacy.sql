-- Whether the customers invited to a round see each other by name and
-- organisation (1), or only staff and people of their own organisation,
-- others as "a customer" (0, the default).
ALTER TABLE rounds ADD COLUMN customers_see_each_other INTEGER NOT NULL DEFAULT 0
	CHECK (customers_see_each_other IN (0, 1));

-- The organisation an invite fixes for the customer who accepts it (NULL:
-- they give their own).
ALTER TABLE invites ADD COLUMN org TEXT;
