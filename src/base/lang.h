#ifndef OS_BASE_LANG_H
#define OS_BASE_LANG_H

/*
 * The languages openstrat speaks: English, Norwegian (bokmål), Swedish and
 * Danish. The web client, exports, the demo and mail take one of these;
 * its code on the wire and on the command line is the ISO 639-1 tag.
 */
enum os_lang {
	OS_LANG_EN = 0,
	OS_LANG_NB,
	OS_LANG_SV,
	OS_LANG_DA,
	OS_LANG_COUNT
};

/* Parses "en", "nb", "sv" or "da" (exactly, lower case) into *out.
 * Returns 0, or -1 for anything else (NULL included), leaving *out as is. */
int os_lang_parse(const char *code, enum os_lang *out);

/* The tag of a language ("en" ...); "en" for a value out of range. */
const char *os_lang_code(enum os_lang lang);

#endif
