-- The language a person chose for the web client: 'en', 'nb', 'sv' or
-- 'da' (src/base/lang.h). NULL until they choose; the client then follows
-- the browser's preferred languages.
ALTER TABLE users ADD COLUMN lang TEXT CHECK (lang IN ('en', 'nb', 'sv', 'da'));
