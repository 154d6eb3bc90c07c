#include "base/lang.h"

#include <string.h>

static const char *const codes[OS_LANG_COUNT] = {"en", "nb", "sv", "da"};

int
os_lang_parse(const char *code, enum os_lang *out)
{
	if (!code)
		return -1;
	for (int i = 0; i < OS_LANG_COUNT; i++)
		if (!strcmp(code, codes[i])) {
			*out = (enum os_lang)i;
			return 0;
		}
	return -1;
}

const char *
os_lang_code(enum os_lang lang)
{
	return (unsigned)lang < OS_LANG_COUNT ? codes[lang] : codes[0];
}
