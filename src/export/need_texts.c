/*
 * The words of the exports' needs section, one table per language, and
 * what the formats share about needs. Written as a report in each language
 * would put them.
 */
#include "export/need_texts.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "forum/needs.h"

static const char *const en[NT_COUNT] = {
	[NT_SHEET] = "Needs",
	[NT_COL_NEED] = "need",
	[NT_COL_DESCRIPTION] = "description",
	[NT_COL_IDEAS] = "ideas",
	[NT_COL_PRIORITIES] = "priorities",
	[NT_COL_SUPPORT] = "support {1}",
	[NT_COL_PEOPLE] = "supporting {1}",
	[NT_COL_TOTAL] = "total support",
	[NT_COL_ORGS] = "organisations",
	[NT_MD_H] = "Needs behind the ideas",
	[NT_MD_NONE] = "No needs have been named yet.",
	[NT_MD_IDEAS] = "Ideas:",
	[NT_MD_NO_IDEAS] = "No ideas linked yet.",
	[NT_MD_ANSWERED] = "Answered by: {1}.",
	[NT_MD_GROUP] = "{1} {2} from {3}",
	[NT_MD_SUPPORT] = "Support: {1}; in all {2}.",
	[NT_MD_ORGS] = "Customer organisations behind it: {1}.",
	[NT_N_PEOPLE_ONE] = "{1} person",
	[NT_N_PEOPLE_OTHER] = "{1} people",
};

static const char *const nb[NT_COUNT] = {
	[NT_SHEET] = "Behov",
	[NT_COL_NEED] = "Behov",
	[NT_COL_DESCRIPTION] = "Beskrivelse",
	[NT_COL_IDEAS] = "Idéer",
	[NT_COL_PRIORITIES] = "Satsingsområder",
	[NT_COL_SUPPORT] = "Støtte fra {1}",
	[NT_COL_PEOPLE] = "{1} som støtter",
	[NT_COL_TOTAL] = "Samlet støtte",
	[NT_COL_ORGS] = "Organisasjoner",
	[NT_MD_H] = "Behovene bak idéene",
	[NT_MD_NONE] = "Ingen behov er navngitt ennå.",
	[NT_MD_IDEAS] = "Idéer:",
	[NT_MD_NO_IDEAS] = "Ingen idéer er knyttet til ennå.",
	[NT_MD_ANSWERED] = "Besvares av: {1}.",
	[NT_MD_GROUP] = "{1} {2} fra {3}",
	[NT_MD_SUPPORT] = "Støtte: {1}; i alt {2}.",
	[NT_MD_ORGS] = "Kundeorganisasjoner som står bak: {1}.",
	[NT_N_PEOPLE_ONE] = "{1} person",
	[NT_N_PEOPLE_OTHER] = "{1} personer",
};

static const char *const sv[NT_COUNT] = {
	[NT_SHEET] = "Behov",
	[NT_COL_NEED] = "Behov",
	[NT_COL_DESCRIPTION] = "Beskrivning",
	[NT_COL_IDEAS] = "Idéer",
	[NT_COL_PRIORITIES] = "Satsningsområden",
	[NT_COL_SUPPORT] = "Stöd från {1}",
	[NT_COL_PEOPLE] = "{1} som stöder",
	[NT_COL_TOTAL] = "Totalt stöd",
	[NT_COL_ORGS] = "Organisationer",
	[NT_MD_H] = "Behoven bakom idéerna",
	[NT_MD_NONE] = "Inga behov har namngetts ännu.",
	[NT_MD_IDEAS] = "Idéer:",
	[NT_MD_NO_IDEAS] = "Inga idéer är kopplade ännu.",
	[NT_MD_ANSWERED] = "Besvaras av: {1}.",
	[NT_MD_GROUP] = "{1} {2} från {3}",
	[NT_MD_SUPPORT] = "Stöd: {1}; totalt {2}.",
	[NT_MD_ORGS] = "Kundorganisationer som står bakom: {1}.",
	[NT_N_PEOPLE_ONE] = "{1} person",
	[NT_N_PEOPLE_OTHER] = "{1} personer",
};

static const char *const da[NT_COUNT] = {
	[NT_SHEET] = "Behov",
	[NT_COL_NEED] = "Behov",
	[NT_COL_DESCRIPTION] = "Beskrivelse",
	[NT_COL_IDEAS] = "Idéer",
	[NT_COL_PRIORITIES] = "Indsatsområder",
	[NT_COL_SUPPORT] = "Støtte fra {1}",
	[NT_COL_PEOPLE] = "{1} der støtter",
	[NT_COL_TOTAL] = "Samlet støtte",
	[NT_COL_ORGS] = "Organisationer",
	[NT_MD_H] = "Behovene bag idéerne",
	[NT_MD_NONE] = "Der er endnu ikke navngivet nogen behov.",
	[NT_MD_IDEAS] = "Idéer:",
	[NT_MD_NO_IDEAS] = "Der er endnu ikke knyttet idéer til.",
	[NT_MD_ANSWERED] = "Besvares af: {1}.",
	[NT_MD_GROUP] = "{1} {2} fra {3}",
	[NT_MD_SUPPORT] = "Støtte: {1}; i alt {2}.",
	[NT_MD_ORGS] = "Kundeorganisationer, der står bag: {1}.",
	[NT_N_PEOPLE_ONE] = "{1} person",
	[NT_N_PEOPLE_OTHER] = "{1} personer",
};

const char *const *const export_need_texts[OS_LANG_COUNT] = {
	[OS_LANG_EN] = en, [OS_LANG_NB] = nb, [OS_LANG_SV] = sv, [OS_LANG_DA] = da};

const char *
export_need_text(enum os_lang lang, int id)
{
	const char *t;

	if (id < 0 || id >= NT_COUNT)
		return "";
	t = (unsigned)lang < OS_LANG_COUNT ? export_need_texts[lang][id] : NULL;
	return t ? t : en[id];
}

void
export_need_support_text(int64_t v, int dots, char buf[32])
{
	snprintf(buf, 32, dots ? "%" PRId64 : "%+" PRId64, v);
}

void
export_post_needs(struct os_buf *b, const struct ranking *r, int64_t post, const char *sep)
{
	int first = 1;

	for (size_t i = 0; i < r->nneeds; i++) {
		const struct need *n = &r->needs[i].need;

		for (size_t k = 0; k < n->nposts; k++)
			if (n->posts[k] == post) {
				if (!first)
					os_buf_adds(b, sep);
				first = 0;
				os_buf_adds(b, n->title ? n->title : "");
				break;
			}
	}
}
