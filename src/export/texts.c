/*
 * The export's words, one table per language. The texts are written the
 * way a report in that language would put them, not word for word from the
 * English: a strategic priority is a "satsingsområde" in Norwegian, the
 * ranked list a "prioritert liste". Source files are UTF-8; the no-break
 * space before a Scandinavian per cent sign is written as an escape so
 * that it can be seen.
 */
#include "export/texts.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/model.h"
#include "export/export_int.h"
#include "forum/ranking.h"

_Static_assert(XT_ROLE_CUSTOMER - XT_ROLE_ADMIN + 1 == ROLE_COUNT, "a name per role");
_Static_assert(XT_GROUP_MANAGERS - XT_GROUP_EMPLOYEES + 1 == GROUP_COUNT, "a name per group");
_Static_assert(XT_PHASE_CLOSED - XT_PHASE_DRAFT + 1 == PHASE_COUNT, "a name per phase");
_Static_assert(XT_KIND_IDEA - XT_KIND_PLAN + 1 == KIND_COUNT, "a name per kind");
_Static_assert(XT_STATUS_HIDDEN - XT_STATUS_OPEN + 1 == STATUS_COUNT, "a name per status");
_Static_assert(XT_PST_DROPPED - XT_PST_PLANNED + 1 == PST_COUNT, "a name per priority status");
_Static_assert(XT_COL_MERGED_INTO - XT_COL_RANK + 1 == COL_FIXED, "a name per column");
_Static_assert(XT_COL_CUSTOMER_DOTS - XT_COL_ADMIN_UP + 1 == 3 * ROLE_COUNT,
	       "three columns per role");

#define NBSP "\xc2\xa0"

static const char *const en[XT_COUNT] = {
	[XT_SHEET_RANKED] = "Ranked",
	[XT_SHEET_PRIORITIES] = "Priorities",
	[XT_SHEET_DISAGREE] = "Disagreement",
	[XT_SHEET_AGREE] = "Agreement",
	[XT_ROLE_ADMIN] = "admin",
	[XT_ROLE_MANAGER] = "manager",
	[XT_ROLE_EMPLOYEE] = "employee",
	[XT_ROLE_CUSTOMER] = "customer",
	[XT_GROUP_EMPLOYEES] = "employees",
	[XT_GROUP_CUSTOMERS] = "customers",
	[XT_GROUP_MANAGERS] = "managers",
	[XT_PHASE_DRAFT] = "draft",
	[XT_PHASE_OPEN] = "open",
	[XT_PHASE_VOTING] = "voting",
	[XT_PHASE_CLOSED] = "closed",
	[XT_KIND_PLAN] = "plan",
	[XT_KIND_IDEA] = "idea",
	[XT_STATUS_OPEN] = "open",
	[XT_STATUS_MERGED] = "merged",
	[XT_STATUS_PROMOTED] = "promoted",
	[XT_STATUS_HIDDEN] = "hidden",
	[XT_MONTH_1] = "January",
	[XT_MONTH_2] = "February",
	[XT_MONTH_3] = "March",
	[XT_MONTH_4] = "April",
	[XT_MONTH_5] = "May",
	[XT_MONTH_6] = "June",
	[XT_MONTH_7] = "July",
	[XT_MONTH_8] = "August",
	[XT_MONTH_9] = "September",
	[XT_MONTH_10] = "October",
	[XT_MONTH_11] = "November",
	[XT_MONTH_12] = "December",
	[XT_DATE] = "{1} {2} {3}",
	[XT_DECIMAL] = ".",
	[XT_PERCENT] = "{1}%",
	[XT_N_PLANS_ONE] = "{1} plan",
	[XT_N_PLANS_OTHER] = "{1} plans",
	[XT_N_IDEAS_ONE] = "{1} idea",
	[XT_N_IDEAS_OTHER] = "{1} ideas",
	[XT_N_VOTES_ONE] = "{1} vote",
	[XT_N_VOTES_OTHER] = "{1} votes",
	[XT_N_DOTS_ONE] = "{1} dot",
	[XT_N_DOTS_OTHER] = "{1} dots",
	/* The CSV's column names, so that an English workbook reads like
	 * the CSV. */
	[XT_COL_RANK] = "rank",
	[XT_COL_ID] = "id",
	[XT_COL_KIND] = "kind",
	[XT_COL_TITLE] = "title",
	[XT_COL_AUTHOR] = "author",
	[XT_COL_ROLE] = "role",
	[XT_COL_ORG] = "org",
	[XT_COL_STATUS] = "status",
	[XT_COL_SCORE] = "score",
	[XT_COL_UP] = "up",
	[XT_COL_DOWN] = "down",
	[XT_COL_DOTS] = "dots",
	[XT_COL_COMMENTS] = "comments",
	[XT_COL_PRIORITY] = "priority",
	[XT_COL_MERGED_INTO] = "merged_into",
	[XT_COL_ADMIN_UP] = "admin_up",
	[XT_COL_ADMIN_DOWN] = "admin_down",
	[XT_COL_ADMIN_DOTS] = "admin_dots",
	[XT_COL_MANAGER_UP] = "manager_up",
	[XT_COL_MANAGER_DOWN] = "manager_down",
	[XT_COL_MANAGER_DOTS] = "manager_dots",
	[XT_COL_EMPLOYEE_UP] = "employee_up",
	[XT_COL_EMPLOYEE_DOWN] = "employee_down",
	[XT_COL_EMPLOYEE_DOTS] = "employee_dots",
	[XT_COL_CUSTOMER_UP] = "customer_up",
	[XT_COL_CUSTOMER_DOWN] = "customer_down",
	[XT_COL_CUSTOMER_DOTS] = "customer_dots",
	[XT_PCOL_OWNER] = "owner",
	[XT_PCOL_DESCRIPTION] = "description",
	[XT_PCOL_POSTS] = "ideas and plans",
	[XT_GCOL_SPREAD] = "spread",
	[XT_GCOL_FLOOR] = "lowest support",
	[XT_GCOL_SUPPORT] = "{1} support",
	[XT_GCOL_VOTES] = "{1} votes",
	[XT_GCOL_DOTS] = "{1} dots",
	[XT_MD_PHASE] = "Phase",
	[XT_MD_VOTING] = "Voting",
	[XT_MD_POSTS] = "Posts",
	[XT_MD_CREATED] = "Created",
	[XT_MD_DEADLINE] = "Deadline",
	[XT_MD_UPDOWN] = "up and down votes",
	[XT_MD_DOTS_PER] = "dots, {1} per member",
	[XT_MD_POST_COUNTS] = "{1} ({2}, {3})",
	[XT_MD_H_PRIORITIES] = "Priorities",
	[XT_MD_NO_PRIORITIES] = "No priorities yet.",
	[XT_MD_OWNER] = "Owner: {1}",
	[XT_MD_NO_OWNER] = "not named yet",
	[XT_MD_FED_BY] = "Ideas and plans that feed it:",
	[XT_MD_FEED_ITEM] = "({1}, rank {2}, score {3})",
	[XT_MD_NOTHING_LINKED] = "No idea or plan linked yet.",
	[XT_MD_H_RANKED] = "Ranked ideas and plans",
	[XT_MD_NO_POSTS] = "No ideas or plans yet.",
	[XT_MD_SCORE_DOTS] = "The score is the number of dots a post received.",
	[XT_MD_SCORE_UPDOWN] = "The score is the lower bound of the 95% Wilson interval of the "
			       "share of up votes: high when many people agree, not just a few.",
	[XT_MD_TH_RANK] = "Rank",
	[XT_MD_TH_TITLE] = "Title",
	[XT_MD_TH_KIND] = "Kind",
	[XT_MD_TH_AUTHOR] = "Author",
	[XT_MD_TH_ROLE] = "Role",
	[XT_MD_TH_SCORE] = "Score",
	[XT_MD_TH_UPDOWN] = "Up / down",
	[XT_MD_TH_DOTS] = "Dots",
	[XT_MD_TH_COMMENTS] = "Comments",
	[XT_MD_TH_STATUS] = "Status",
	[XT_MD_MERGED_RANK] = "merged into rank {1}",
	[XT_MD_MERGED_POST] = "merged into post {1}",
	[XT_MD_H_DISAGREE] = "Where the groups disagree",
	[XT_MD_H_AGREE] = "What everyone agrees on",
	[XT_MD_SUPPORT_DOTS] = "A group's support for a post is its dots on the post relative to "
			       "the post it gave the most dots (100%). A group counts once it "
			       "has spent {1} dots in the round.",
	[XT_MD_SUPPORT_UPDOWN] = "A group's support for a post is the share of its votes that are "
				 "up. A group counts once it has cast {1} votes on the post.",
	[XT_MD_NO_DISAGREE] = "No post divides the groups yet.",
	[XT_MD_NO_AGREE] = "No post has the support of every group yet.",
	[XT_MD_AT_RANK] = "(rank {1})",
	[XT_MD_GROUP_SUPPORT] = "{1} {2} ({3})",
	[XT_MD_APART] = "{1} points apart",
	[XT_SHEET_MEASURES] = "Measures",
	[XT_SHEET_MILESTONES] = "Milestones",
	[XT_PST_PLANNED] = "planned",
	[XT_PST_ACTIVE] = "active",
	[XT_PST_AT_RISK] = "at risk",
	[XT_PST_DONE] = "done",
	[XT_PST_DROPPED] = "dropped",
	[XT_OCOL_STATUS] = "status",
	[XT_OCOL_GOAL] = "goal",
	[XT_OCOL_PRIORITY] = "priority",
	[XT_OCOL_MEASURE] = "measure",
	[XT_OCOL_UNIT] = "unit",
	[XT_OCOL_BASELINE] = "baseline",
	[XT_OCOL_CURRENT] = "current",
	[XT_OCOL_TARGET] = "target",
	[XT_OCOL_PROGRESS] = "progress",
	[XT_OCOL_UPDATED] = "updated",
	[XT_OCOL_MILESTONE] = "milestone",
	[XT_OCOL_DUE] = "due",
	[XT_OCOL_DONE] = "done",
	[XT_MD_H_STATUS] = "Status report",
	[XT_MD_STATUS_INTRO] = "Where each priority stands: its owner, status, progress on its measures and its next milestone.",
	[XT_MD_TH_PRIORITY] = "Priority",
	[XT_MD_TH_OWNER] = "Owner",
	[XT_MD_TH_PSTATUS] = "Status",
	[XT_MD_TH_PROGRESS] = "Progress",
	[XT_MD_TH_NEXT] = "Next milestone",
	[XT_MD_TH_MEASURE] = "Measure",
	[XT_MD_TH_BASELINE] = "Baseline",
	[XT_MD_TH_NOW] = "Now",
	[XT_MD_TH_TARGET] = "Target",
	[XT_MD_STATUS_LINE] = "Status: **{1}**",
	[XT_MD_GOAL] = "Goal:",
	[XT_MD_MEASURES] = "Measures:",
	[XT_MD_MILESTONES] = "Milestones:",
	[XT_MD_MILESTONE_DUE] = "{1} (due {2})",
	[XT_MD_MILESTONE_DONE] = "{1} (due {2}, done {3})",
	[XT_MD_LATEST] = "Latest update, {1}, by {2}:",
	[XT_MD_ALL_DONE] = "all done",
};

/* Norwegian (bokmål). */
static const char *const nb[XT_COUNT] = {
	[XT_SHEET_RANKED] = "Prioritert liste",
	[XT_SHEET_PRIORITIES] = "Satsingsområder",
	[XT_SHEET_DISAGREE] = "Uenighet",
	[XT_SHEET_AGREE] = "Enighet",
	[XT_ROLE_ADMIN] = "administrator",
	[XT_ROLE_MANAGER] = "leder",
	[XT_ROLE_EMPLOYEE] = "ansatt",
	[XT_ROLE_CUSTOMER] = "kunde",
	[XT_GROUP_EMPLOYEES] = "ansatte",
	[XT_GROUP_CUSTOMERS] = "kunder",
	[XT_GROUP_MANAGERS] = "ledere",
	[XT_PHASE_DRAFT] = "utkast",
	[XT_PHASE_OPEN] = "åpen",
	[XT_PHASE_VOTING] = "avstemning",
	[XT_PHASE_CLOSED] = "avsluttet",
	[XT_KIND_PLAN] = "plan",
	[XT_KIND_IDEA] = "idé",
	[XT_STATUS_OPEN] = "åpen",
	[XT_STATUS_MERGED] = "slått sammen",
	[XT_STATUS_PROMOTED] = "løftet fram",
	[XT_STATUS_HIDDEN] = "skjult",
	[XT_MONTH_1] = "januar",
	[XT_MONTH_2] = "februar",
	[XT_MONTH_3] = "mars",
	[XT_MONTH_4] = "april",
	[XT_MONTH_5] = "mai",
	[XT_MONTH_6] = "juni",
	[XT_MONTH_7] = "juli",
	[XT_MONTH_8] = "august",
	[XT_MONTH_9] = "september",
	[XT_MONTH_10] = "oktober",
	[XT_MONTH_11] = "november",
	[XT_MONTH_12] = "desember",
	[XT_DATE] = "{1}. {2} {3}",
	[XT_DECIMAL] = ",",
	[XT_PERCENT] = "{1}" NBSP "%",
	[XT_N_PLANS_ONE] = "{1} plan",
	[XT_N_PLANS_OTHER] = "{1} planer",
	[XT_N_IDEAS_ONE] = "{1} idé",
	[XT_N_IDEAS_OTHER] = "{1} idéer",
	[XT_N_VOTES_ONE] = "{1} stemme",
	[XT_N_VOTES_OTHER] = "{1} stemmer",
	[XT_N_DOTS_ONE] = "{1} prikk",
	[XT_N_DOTS_OTHER] = "{1} prikker",
	[XT_COL_RANK] = "Plass",
	[XT_COL_ID] = "ID",
	[XT_COL_KIND] = "Type",
	[XT_COL_TITLE] = "Tittel",
	[XT_COL_AUTHOR] = "Forfatter",
	[XT_COL_ROLE] = "Rolle",
	[XT_COL_ORG] = "Organisasjon",
	[XT_COL_STATUS] = "Status",
	[XT_COL_SCORE] = "Poeng",
	[XT_COL_UP] = "Opp",
	[XT_COL_DOWN] = "Ned",
	[XT_COL_DOTS] = "Prikker",
	[XT_COL_COMMENTS] = "Kommentarer",
	[XT_COL_PRIORITY] = "Satsingsområde",
	[XT_COL_MERGED_INTO] = "Slått sammen med",
	[XT_COL_ADMIN_UP] = "Opp fra administratorer",
	[XT_COL_ADMIN_DOWN] = "Ned fra administratorer",
	[XT_COL_ADMIN_DOTS] = "Prikker fra administratorer",
	[XT_COL_MANAGER_UP] = "Opp fra ledere",
	[XT_COL_MANAGER_DOWN] = "Ned fra ledere",
	[XT_COL_MANAGER_DOTS] = "Prikker fra ledere",
	[XT_COL_EMPLOYEE_UP] = "Opp fra ansatte",
	[XT_COL_EMPLOYEE_DOWN] = "Ned fra ansatte",
	[XT_COL_EMPLOYEE_DOTS] = "Prikker fra ansatte",
	[XT_COL_CUSTOMER_UP] = "Opp fra kunder",
	[XT_COL_CUSTOMER_DOWN] = "Ned fra kunder",
	[XT_COL_CUSTOMER_DOTS] = "Prikker fra kunder",
	[XT_PCOL_OWNER] = "Ansvarlig",
	[XT_PCOL_DESCRIPTION] = "Beskrivelse",
	[XT_PCOL_POSTS] = "Idéer og planer",
	[XT_GCOL_SPREAD] = "Sprik",
	[XT_GCOL_FLOOR] = "Laveste støtte",
	[XT_GCOL_SUPPORT] = "Støtte fra {1}",
	[XT_GCOL_VOTES] = "Stemmer fra {1}",
	[XT_GCOL_DOTS] = "Prikker fra {1}",
	[XT_MD_PHASE] = "Fase",
	[XT_MD_VOTING] = "Avstemning",
	[XT_MD_POSTS] = "Innlegg",
	[XT_MD_CREATED] = "Opprettet",
	[XT_MD_DEADLINE] = "Frist",
	[XT_MD_UPDOWN] = "opp- og nedstemmer",
	[XT_MD_DOTS_PER] = "prikker, {1} per deltaker",
	[XT_MD_POST_COUNTS] = "{1} ({2}, {3})",
	[XT_MD_H_PRIORITIES] = "Satsingsområder",
	[XT_MD_NO_PRIORITIES] = "Ingen satsingsområder ennå.",
	[XT_MD_OWNER] = "Ansvarlig: {1}",
	[XT_MD_NO_OWNER] = "ikke utpekt ennå",
	[XT_MD_FED_BY] = "Idéer og planer som hører til:",
	[XT_MD_FEED_ITEM] = "({1}, plass {2}, poeng {3})",
	[XT_MD_NOTHING_LINKED] = "Ingen idéer eller planer knyttet til ennå.",
	[XT_MD_H_RANKED] = "Prioritert liste",
	[XT_MD_NO_POSTS] = "Ingen idéer eller planer ennå.",
	[XT_MD_SCORE_DOTS] = "Poengsummen er antall prikker innlegget fikk.",
	[XT_MD_SCORE_UPDOWN] = "Poengsummen er nedre grense i et 95" NBSP "% Wilson-intervall for "
			       "andelen oppstemmer: den er høy når mange er enige, ikke bare "
			       "noen få.",
	[XT_MD_TH_RANK] = "Plass",
	[XT_MD_TH_TITLE] = "Tittel",
	[XT_MD_TH_KIND] = "Type",
	[XT_MD_TH_AUTHOR] = "Forfatter",
	[XT_MD_TH_ROLE] = "Rolle",
	[XT_MD_TH_SCORE] = "Poeng",
	[XT_MD_TH_UPDOWN] = "Opp / ned",
	[XT_MD_TH_DOTS] = "Prikker",
	[XT_MD_TH_COMMENTS] = "Kommentarer",
	[XT_MD_TH_STATUS] = "Status",
	[XT_MD_MERGED_RANK] = "slått sammen med plass {1}",
	[XT_MD_MERGED_POST] = "slått sammen med innlegg {1}",
	[XT_MD_H_DISAGREE] = "Der gruppene er uenige",
	[XT_MD_H_AGREE] = "Det alle er enige om",
	[XT_MD_SUPPORT_DOTS] = "En gruppes støtte til et innlegg er prikkene den ga innlegget, "
			       "målt mot innlegget den ga flest prikker (100" NBSP "%). En "
			       "gruppe teller med når den har brukt {1} prikker i runden.",
	[XT_MD_SUPPORT_UPDOWN] = "En gruppes støtte til et innlegg er andelen av gruppens "
				 "stemmer som er oppstemmer. En gruppe teller med når den har "
				 "avgitt {1} stemmer på innlegget.",
	[XT_MD_NO_DISAGREE] = "Ingen innlegg deler gruppene ennå.",
	[XT_MD_NO_AGREE] = "Ingen innlegg har støtte fra alle gruppene ennå.",
	[XT_MD_AT_RANK] = "(plass {1})",
	[XT_MD_GROUP_SUPPORT] = "{1} {2} ({3})",
	[XT_MD_APART] = "{1} prosentpoeng fra hverandre",
	[XT_SHEET_MEASURES] = "Måltall",
	[XT_SHEET_MILESTONES] = "Milepæler",
	[XT_PST_PLANNED] = "planlagt",
	[XT_PST_ACTIVE] = "i gang",
	[XT_PST_AT_RISK] = "i fare",
	[XT_PST_DONE] = "fullført",
	[XT_PST_DROPPED] = "lagt bort",
	[XT_OCOL_STATUS] = "status",
	[XT_OCOL_GOAL] = "mål",
	[XT_OCOL_PRIORITY] = "satsingsområde",
	[XT_OCOL_MEASURE] = "måltall",
	[XT_OCOL_UNIT] = "enhet",
	[XT_OCOL_BASELINE] = "utgangspunkt",
	[XT_OCOL_CURRENT] = "nå",
	[XT_OCOL_TARGET] = "mål",
	[XT_OCOL_PROGRESS] = "framdrift",
	[XT_OCOL_UPDATED] = "oppdatert",
	[XT_OCOL_MILESTONE] = "milepæl",
	[XT_OCOL_DUE] = "frist",
	[XT_OCOL_DONE] = "fullført",
	[XT_MD_H_STATUS] = "Statusrapport",
	[XT_MD_STATUS_INTRO] = "Hvor hvert satsingsområde står: ansvarlig, status, framdrift på måltallene og neste milepæl.",
	[XT_MD_TH_PRIORITY] = "Satsingsområde",
	[XT_MD_TH_OWNER] = "Ansvarlig",
	[XT_MD_TH_PSTATUS] = "Status",
	[XT_MD_TH_PROGRESS] = "Framdrift",
	[XT_MD_TH_NEXT] = "Neste milepæl",
	[XT_MD_TH_MEASURE] = "Måltall",
	[XT_MD_TH_BASELINE] = "Utgangspunkt",
	[XT_MD_TH_NOW] = "Nå",
	[XT_MD_TH_TARGET] = "Mål",
	[XT_MD_STATUS_LINE] = "Status: **{1}**",
	[XT_MD_GOAL] = "Mål:",
	[XT_MD_MEASURES] = "Måltall:",
	[XT_MD_MILESTONES] = "Milepæler:",
	[XT_MD_MILESTONE_DUE] = "{1} (frist {2})",
	[XT_MD_MILESTONE_DONE] = "{1} (frist {2}, fullført {3})",
	[XT_MD_LATEST] = "Siste oppdatering, {1}, fra {2}:",
	[XT_MD_ALL_DONE] = "alle fullført",
};

/* Swedish. */
static const char *const sv[XT_COUNT] = {
	[XT_SHEET_RANKED] = "Prioriterad lista",
	[XT_SHEET_PRIORITIES] = "Satsningsområden",
	[XT_SHEET_DISAGREE] = "Oenighet",
	[XT_SHEET_AGREE] = "Enighet",
	[XT_ROLE_ADMIN] = "administratör",
	[XT_ROLE_MANAGER] = "chef",
	[XT_ROLE_EMPLOYEE] = "medarbetare",
	[XT_ROLE_CUSTOMER] = "kund",
	[XT_GROUP_EMPLOYEES] = "medarbetare",
	[XT_GROUP_CUSTOMERS] = "kunder",
	[XT_GROUP_MANAGERS] = "chefer",
	[XT_PHASE_DRAFT] = "utkast",
	[XT_PHASE_OPEN] = "öppen",
	[XT_PHASE_VOTING] = "röstning",
	[XT_PHASE_CLOSED] = "avslutad",
	[XT_KIND_PLAN] = "plan",
	[XT_KIND_IDEA] = "idé",
	[XT_STATUS_OPEN] = "öppen",
	[XT_STATUS_MERGED] = "sammanslagen",
	[XT_STATUS_PROMOTED] = "lyft",
	[XT_STATUS_HIDDEN] = "dold",
	[XT_MONTH_1] = "januari",
	[XT_MONTH_2] = "februari",
	[XT_MONTH_3] = "mars",
	[XT_MONTH_4] = "april",
	[XT_MONTH_5] = "maj",
	[XT_MONTH_6] = "juni",
	[XT_MONTH_7] = "juli",
	[XT_MONTH_8] = "augusti",
	[XT_MONTH_9] = "september",
	[XT_MONTH_10] = "oktober",
	[XT_MONTH_11] = "november",
	[XT_MONTH_12] = "december",
	[XT_DATE] = "{1} {2} {3}",
	[XT_DECIMAL] = ",",
	[XT_PERCENT] = "{1}" NBSP "%",
	[XT_N_PLANS_ONE] = "{1} plan",
	[XT_N_PLANS_OTHER] = "{1} planer",
	[XT_N_IDEAS_ONE] = "{1} idé",
	[XT_N_IDEAS_OTHER] = "{1} idéer",
	[XT_N_VOTES_ONE] = "{1} röst",
	[XT_N_VOTES_OTHER] = "{1} röster",
	[XT_N_DOTS_ONE] = "{1} prick",
	[XT_N_DOTS_OTHER] = "{1} prickar",
	[XT_COL_RANK] = "Plats",
	[XT_COL_ID] = "ID",
	[XT_COL_KIND] = "Typ",
	[XT_COL_TITLE] = "Titel",
	[XT_COL_AUTHOR] = "Författare",
	[XT_COL_ROLE] = "Roll",
	[XT_COL_ORG] = "Organisation",
	[XT_COL_STATUS] = "Status",
	[XT_COL_SCORE] = "Poäng",
	[XT_COL_UP] = "Upp",
	[XT_COL_DOWN] = "Ned",
	[XT_COL_DOTS] = "Prickar",
	[XT_COL_COMMENTS] = "Kommentarer",
	[XT_COL_PRIORITY] = "Satsningsområde",
	[XT_COL_MERGED_INTO] = "Sammanslagen med",
	[XT_COL_ADMIN_UP] = "Upp från administratörer",
	[XT_COL_ADMIN_DOWN] = "Ned från administratörer",
	[XT_COL_ADMIN_DOTS] = "Prickar från administratörer",
	[XT_COL_MANAGER_UP] = "Upp från chefer",
	[XT_COL_MANAGER_DOWN] = "Ned från chefer",
	[XT_COL_MANAGER_DOTS] = "Prickar från chefer",
	[XT_COL_EMPLOYEE_UP] = "Upp från medarbetare",
	[XT_COL_EMPLOYEE_DOWN] = "Ned från medarbetare",
	[XT_COL_EMPLOYEE_DOTS] = "Prickar från medarbetare",
	[XT_COL_CUSTOMER_UP] = "Upp från kunder",
	[XT_COL_CUSTOMER_DOWN] = "Ned från kunder",
	[XT_COL_CUSTOMER_DOTS] = "Prickar från kunder",
	[XT_PCOL_OWNER] = "Ansvarig",
	[XT_PCOL_DESCRIPTION] = "Beskrivning",
	[XT_PCOL_POSTS] = "Idéer och planer",
	[XT_GCOL_SPREAD] = "Skillnad",
	[XT_GCOL_FLOOR] = "Lägsta stöd",
	[XT_GCOL_SUPPORT] = "Stöd från {1}",
	[XT_GCOL_VOTES] = "Röster från {1}",
	[XT_GCOL_DOTS] = "Prickar från {1}",
	[XT_MD_PHASE] = "Fas",
	[XT_MD_VOTING] = "Röstning",
	[XT_MD_POSTS] = "Inlägg",
	[XT_MD_CREATED] = "Skapad",
	[XT_MD_DEADLINE] = "Sista dag",
	[XT_MD_UPDOWN] = "upp- och nedröster",
	[XT_MD_DOTS_PER] = "prickar, {1} per deltagare",
	[XT_MD_POST_COUNTS] = "{1} ({2}, {3})",
	[XT_MD_H_PRIORITIES] = "Satsningsområden",
	[XT_MD_NO_PRIORITIES] = "Inga satsningsområden ännu.",
	[XT_MD_OWNER] = "Ansvarig: {1}",
	[XT_MD_NO_OWNER] = "inte utsedd ännu",
	[XT_MD_FED_BY] = "Idéer och planer som hör hit:",
	[XT_MD_FEED_ITEM] = "({1}, plats {2}, poäng {3})",
	[XT_MD_NOTHING_LINKED] = "Inga idéer eller planer kopplade ännu.",
	[XT_MD_H_RANKED] = "Prioriterad lista",
	[XT_MD_NO_POSTS] = "Inga idéer eller planer ännu.",
	[XT_MD_SCORE_DOTS] = "Poängen är antalet prickar som inlägget fick.",
	[XT_MD_SCORE_UPDOWN] = "Poängen är den nedre gränsen i ett 95-procentigt Wilsonintervall "
			       "för andelen uppröster: den blir hög när många håller med, inte "
			       "bara ett fåtal.",
	[XT_MD_TH_RANK] = "Plats",
	[XT_MD_TH_TITLE] = "Titel",
	[XT_MD_TH_KIND] = "Typ",
	[XT_MD_TH_AUTHOR] = "Författare",
	[XT_MD_TH_ROLE] = "Roll",
	[XT_MD_TH_SCORE] = "Poäng",
	[XT_MD_TH_UPDOWN] = "Upp / ned",
	[XT_MD_TH_DOTS] = "Prickar",
	[XT_MD_TH_COMMENTS] = "Kommentarer",
	[XT_MD_TH_STATUS] = "Status",
	[XT_MD_MERGED_RANK] = "sammanslagen med plats {1}",
	[XT_MD_MERGED_POST] = "sammanslagen med inlägg {1}",
	[XT_MD_H_DISAGREE] = "Där grupperna är oeniga",
	[XT_MD_H_AGREE] = "Det alla är överens om",
	[XT_MD_SUPPORT_DOTS] = "En grupps stöd för ett inlägg är gruppens prickar på inlägget i "
			       "förhållande till det inlägg gruppen gav flest prickar "
			       "(100" NBSP "%). En grupp räknas med när den har lagt {1} "
			       "prickar i omgången.",
	[XT_MD_SUPPORT_UPDOWN] = "En grupps stöd för ett inlägg är andelen av gruppens röster "
				 "som är uppröster. En grupp räknas med när den har lagt {1} "
				 "röster på inlägget.",
	[XT_MD_NO_DISAGREE] = "Inget inlägg delar grupperna ännu.",
	[XT_MD_NO_AGREE] = "Inget inlägg har stöd från alla grupper ännu.",
	[XT_MD_AT_RANK] = "(plats {1})",
	[XT_MD_GROUP_SUPPORT] = "{1} {2} ({3})",
	[XT_MD_APART] = "{1} procentenheter isär",
	[XT_SHEET_MEASURES] = "Mätetal",
	[XT_SHEET_MILESTONES] = "Milstolpar",
	[XT_PST_PLANNED] = "planerad",
	[XT_PST_ACTIVE] = "pågår",
	[XT_PST_AT_RISK] = "i riskzonen",
	[XT_PST_DONE] = "klar",
	[XT_PST_DROPPED] = "avbruten",
	[XT_OCOL_STATUS] = "status",
	[XT_OCOL_GOAL] = "mål",
	[XT_OCOL_PRIORITY] = "satsningsområde",
	[XT_OCOL_MEASURE] = "mätetal",
	[XT_OCOL_UNIT] = "enhet",
	[XT_OCOL_BASELINE] = "utgångsläge",
	[XT_OCOL_CURRENT] = "nu",
	[XT_OCOL_TARGET] = "mål",
	[XT_OCOL_PROGRESS] = "framsteg",
	[XT_OCOL_UPDATED] = "uppdaterad",
	[XT_OCOL_MILESTONE] = "milstolpe",
	[XT_OCOL_DUE] = "förfaller",
	[XT_OCOL_DONE] = "klar",
	[XT_MD_H_STATUS] = "Statusrapport",
	[XT_MD_STATUS_INTRO] = "Var varje satsningsområde står: ansvarig, status, framsteg på mätetalen och nästa milstolpe.",
	[XT_MD_TH_PRIORITY] = "Satsningsområde",
	[XT_MD_TH_OWNER] = "Ansvarig",
	[XT_MD_TH_PSTATUS] = "Status",
	[XT_MD_TH_PROGRESS] = "Framsteg",
	[XT_MD_TH_NEXT] = "Nästa milstolpe",
	[XT_MD_TH_MEASURE] = "Mätetal",
	[XT_MD_TH_BASELINE] = "Utgångsläge",
	[XT_MD_TH_NOW] = "Nu",
	[XT_MD_TH_TARGET] = "Mål",
	[XT_MD_STATUS_LINE] = "Status: **{1}**",
	[XT_MD_GOAL] = "Mål:",
	[XT_MD_MEASURES] = "Mätetal:",
	[XT_MD_MILESTONES] = "Milstolpar:",
	[XT_MD_MILESTONE_DUE] = "{1} (senast {2})",
	[XT_MD_MILESTONE_DONE] = "{1} (senast {2}, klar {3})",
	[XT_MD_LATEST] = "Senaste uppdatering, {1}, från {2}:",
	[XT_MD_ALL_DONE] = "alla klara",
};

/* Danish. */
static const char *const da[XT_COUNT] = {
	[XT_SHEET_RANKED] = "Prioriteret liste",
	[XT_SHEET_PRIORITIES] = "Indsatsområder",
	[XT_SHEET_DISAGREE] = "Uenighed",
	[XT_SHEET_AGREE] = "Enighed",
	[XT_ROLE_ADMIN] = "administrator",
	[XT_ROLE_MANAGER] = "leder",
	[XT_ROLE_EMPLOYEE] = "medarbejder",
	[XT_ROLE_CUSTOMER] = "kunde",
	[XT_GROUP_EMPLOYEES] = "medarbejdere",
	[XT_GROUP_CUSTOMERS] = "kunder",
	[XT_GROUP_MANAGERS] = "ledere",
	[XT_PHASE_DRAFT] = "kladde",
	[XT_PHASE_OPEN] = "åben",
	[XT_PHASE_VOTING] = "afstemning",
	[XT_PHASE_CLOSED] = "afsluttet",
	[XT_KIND_PLAN] = "plan",
	[XT_KIND_IDEA] = "idé",
	[XT_STATUS_OPEN] = "åben",
	[XT_STATUS_MERGED] = "slået sammen",
	[XT_STATUS_PROMOTED] = "løftet frem",
	[XT_STATUS_HIDDEN] = "skjult",
	[XT_MONTH_1] = "januar",
	[XT_MONTH_2] = "februar",
	[XT_MONTH_3] = "marts",
	[XT_MONTH_4] = "april",
	[XT_MONTH_5] = "maj",
	[XT_MONTH_6] = "juni",
	[XT_MONTH_7] = "juli",
	[XT_MONTH_8] = "august",
	[XT_MONTH_9] = "september",
	[XT_MONTH_10] = "oktober",
	[XT_MONTH_11] = "november",
	[XT_MONTH_12] = "december",
	[XT_DATE] = "{1}. {2} {3}",
	[XT_DECIMAL] = ",",
	[XT_PERCENT] = "{1}" NBSP "%",
	[XT_N_PLANS_ONE] = "{1} plan",
	[XT_N_PLANS_OTHER] = "{1} planer",
	[XT_N_IDEAS_ONE] = "{1} idé",
	[XT_N_IDEAS_OTHER] = "{1} idéer",
	[XT_N_VOTES_ONE] = "{1} stemme",
	[XT_N_VOTES_OTHER] = "{1} stemmer",
	[XT_N_DOTS_ONE] = "{1} prik",
	[XT_N_DOTS_OTHER] = "{1} prikker",
	[XT_COL_RANK] = "Plads",
	[XT_COL_ID] = "ID",
	[XT_COL_KIND] = "Type",
	[XT_COL_TITLE] = "Titel",
	[XT_COL_AUTHOR] = "Forfatter",
	[XT_COL_ROLE] = "Rolle",
	[XT_COL_ORG] = "Organisation",
	[XT_COL_STATUS] = "Status",
	[XT_COL_SCORE] = "Point",
	[XT_COL_UP] = "Op",
	[XT_COL_DOWN] = "Ned",
	[XT_COL_DOTS] = "Prikker",
	[XT_COL_COMMENTS] = "Kommentarer",
	[XT_COL_PRIORITY] = "Indsatsområde",
	[XT_COL_MERGED_INTO] = "Slået sammen med",
	[XT_COL_ADMIN_UP] = "Op fra administratorer",
	[XT_COL_ADMIN_DOWN] = "Ned fra administratorer",
	[XT_COL_ADMIN_DOTS] = "Prikker fra administratorer",
	[XT_COL_MANAGER_UP] = "Op fra ledere",
	[XT_COL_MANAGER_DOWN] = "Ned fra ledere",
	[XT_COL_MANAGER_DOTS] = "Prikker fra ledere",
	[XT_COL_EMPLOYEE_UP] = "Op fra medarbejdere",
	[XT_COL_EMPLOYEE_DOWN] = "Ned fra medarbejdere",
	[XT_COL_EMPLOYEE_DOTS] = "Prikker fra medarbejdere",
	[XT_COL_CUSTOMER_UP] = "Op fra kunder",
	[XT_COL_CUSTOMER_DOWN] = "Ned fra kunder",
	[XT_COL_CUSTOMER_DOTS] = "Prikker fra kunder",
	[XT_PCOL_OWNER] = "Ansvarlig",
	[XT_PCOL_DESCRIPTION] = "Beskrivelse",
	[XT_PCOL_POSTS] = "Idéer og planer",
	[XT_GCOL_SPREAD] = "Forskel",
	[XT_GCOL_FLOOR] = "Laveste støtte",
	[XT_GCOL_SUPPORT] = "Støtte fra {1}",
	[XT_GCOL_VOTES] = "Stemmer fra {1}",
	[XT_GCOL_DOTS] = "Prikker fra {1}",
	[XT_MD_PHASE] = "Fase",
	[XT_MD_VOTING] = "Afstemning",
	[XT_MD_POSTS] = "Indlæg",
	[XT_MD_CREATED] = "Oprettet",
	[XT_MD_DEADLINE] = "Frist",
	[XT_MD_UPDOWN] = "op- og nedstemmer",
	[XT_MD_DOTS_PER] = "prikker, {1} pr. deltager",
	[XT_MD_POST_COUNTS] = "{1} ({2}, {3})",
	[XT_MD_H_PRIORITIES] = "Indsatsområder",
	[XT_MD_NO_PRIORITIES] = "Ingen indsatsområder endnu.",
	[XT_MD_OWNER] = "Ansvarlig: {1}",
	[XT_MD_NO_OWNER] = "ikke udpeget endnu",
	[XT_MD_FED_BY] = "Idéer og planer, der hører til:",
	[XT_MD_FEED_ITEM] = "({1}, plads {2}, point {3})",
	[XT_MD_NOTHING_LINKED] = "Ingen idéer eller planer tilknyttet endnu.",
	[XT_MD_H_RANKED] = "Prioriteret liste",
	[XT_MD_NO_POSTS] = "Ingen idéer eller planer endnu.",
	[XT_MD_SCORE_DOTS] = "Pointtallet er antallet af prikker, indlægget fik.",
	[XT_MD_SCORE_UPDOWN] = "Pointtallet er den nedre grænse i et 95" NBSP "% Wilson-interval "
			       "for andelen af opstemmer: det er højt, når mange er enige, ikke "
			       "kun få.",
	[XT_MD_TH_RANK] = "Plads",
	[XT_MD_TH_TITLE] = "Titel",
	[XT_MD_TH_KIND] = "Type",
	[XT_MD_TH_AUTHOR] = "Forfatter",
	[XT_MD_TH_ROLE] = "Rolle",
	[XT_MD_TH_SCORE] = "Point",
	[XT_MD_TH_UPDOWN] = "Op / ned",
	[XT_MD_TH_DOTS] = "Prikker",
	[XT_MD_TH_COMMENTS] = "Kommentarer",
	[XT_MD_TH_STATUS] = "Status",
	[XT_MD_MERGED_RANK] = "slået sammen med plads {1}",
	[XT_MD_MERGED_POST] = "slået sammen med indlæg {1}",
	[XT_MD_H_DISAGREE] = "Hvor grupperne er uenige",
	[XT_MD_H_AGREE] = "Det alle er enige om",
	[XT_MD_SUPPORT_DOTS] = "En gruppes støtte til et indlæg er gruppens prikker på indlægget i "
			       "forhold til det indlæg, gruppen gav flest prikker (100" NBSP
			       "%). En gruppe tæller med, når den har brugt {1} prikker i "
			       "runden.",
	[XT_MD_SUPPORT_UPDOWN] = "En gruppes støtte til et indlæg er andelen af gruppens stemmer, "
				 "der er opstemmer. En gruppe tæller med, når den har afgivet "
				 "{1} stemmer på indlægget.",
	[XT_MD_NO_DISAGREE] = "Intet indlæg deler grupperne endnu.",
	[XT_MD_NO_AGREE] = "Intet indlæg har støtte fra alle grupper endnu.",
	[XT_MD_AT_RANK] = "(plads {1})",
	[XT_MD_GROUP_SUPPORT] = "{1} {2} ({3})",
	[XT_MD_APART] = "{1} procentpoint fra hinanden",
	[XT_SHEET_MEASURES] = "Måltal",
	[XT_SHEET_MILESTONES] = "Milepæle",
	[XT_PST_PLANNED] = "planlagt",
	[XT_PST_ACTIVE] = "i gang",
	[XT_PST_AT_RISK] = "i risiko",
	[XT_PST_DONE] = "færdig",
	[XT_PST_DROPPED] = "opgivet",
	[XT_OCOL_STATUS] = "status",
	[XT_OCOL_GOAL] = "mål",
	[XT_OCOL_PRIORITY] = "indsatsområde",
	[XT_OCOL_MEASURE] = "måltal",
	[XT_OCOL_UNIT] = "enhed",
	[XT_OCOL_BASELINE] = "udgangspunkt",
	[XT_OCOL_CURRENT] = "nu",
	[XT_OCOL_TARGET] = "mål",
	[XT_OCOL_PROGRESS] = "fremdrift",
	[XT_OCOL_UPDATED] = "opdateret",
	[XT_OCOL_MILESTONE] = "milepæl",
	[XT_OCOL_DUE] = "frist",
	[XT_OCOL_DONE] = "færdig",
	[XT_MD_H_STATUS] = "Statusrapport",
	[XT_MD_STATUS_INTRO] = "Hvor hvert indsatsområde står: ansvarlig, status, fremdrift på måltallene og næste milepæl.",
	[XT_MD_TH_PRIORITY] = "Indsatsområde",
	[XT_MD_TH_OWNER] = "Ansvarlig",
	[XT_MD_TH_PSTATUS] = "Status",
	[XT_MD_TH_PROGRESS] = "Fremdrift",
	[XT_MD_TH_NEXT] = "Næste milepæl",
	[XT_MD_TH_MEASURE] = "Måltal",
	[XT_MD_TH_BASELINE] = "Udgangspunkt",
	[XT_MD_TH_NOW] = "Nu",
	[XT_MD_TH_TARGET] = "Mål",
	[XT_MD_STATUS_LINE] = "Status: **{1}**",
	[XT_MD_GOAL] = "Mål:",
	[XT_MD_MEASURES] = "Måltal:",
	[XT_MD_MILESTONES] = "Milepæle:",
	[XT_MD_MILESTONE_DUE] = "{1} (frist {2})",
	[XT_MD_MILESTONE_DONE] = "{1} (frist {2}, færdig {3})",
	[XT_MD_LATEST] = "Seneste opdatering, {1}, fra {2}:",
	[XT_MD_ALL_DONE] = "alle færdige",
};

const char *const *const export_texts[OS_LANG_COUNT] = {
	[OS_LANG_EN] = en,
	[OS_LANG_NB] = nb,
	[OS_LANG_SV] = sv,
	[OS_LANG_DA] = da,
};

const char *
export_text(enum os_lang lang, int id)
{
	const char *s;

	if (id < 0 || id >= XT_COUNT)
		return "";
	s = (unsigned)lang < OS_LANG_COUNT ? export_texts[lang][id] : NULL;
	return s ? s : en[id];
}

static const char *
ranged(enum os_lang lang, int first, int v, int count)
{
	return v >= 0 && v < count ? export_text(lang, first + v) : "";
}

const char *
export_role_text(enum os_lang lang, int role)
{
	return ranged(lang, XT_ROLE_ADMIN, role, ROLE_COUNT);
}

const char *
export_group_text(enum os_lang lang, int group)
{
	return ranged(lang, XT_GROUP_EMPLOYEES, group, GROUP_COUNT);
}

const char *
export_phase_text(enum os_lang lang, int phase)
{
	return ranged(lang, XT_PHASE_DRAFT, phase, PHASE_COUNT);
}

const char *
export_kind_text(enum os_lang lang, int kind)
{
	return ranged(lang, XT_KIND_PLAN, kind, KIND_COUNT);
}

const char *
export_status_text(enum os_lang lang, int status)
{
	return ranged(lang, XT_STATUS_OPEN, status, STATUS_COUNT);
}

const char *
export_prio_status_text(enum os_lang lang, int status)
{
	return ranged(lang, XT_PST_PLANNED, status, PST_COUNT);
}

void
export_fill(struct os_buf *b, const char *tpl, const char *a1, const char *a2, const char *a3)
{
	const char *args[3] = {a1, a2, a3};

	while (*tpl) {
		const char *p = strchr(tpl, '{');

		if (!p) {
			os_buf_adds(b, tpl);
			return;
		}
		os_buf_add(b, tpl, (size_t)(p - tpl));
		if (p[1] >= '1' && p[1] <= '3' && p[2] == '}') {
			const char *a = args[p[1] - '1'];

			os_buf_adds(b, a ? a : "");
			tpl = p + 3;
		} else {
			os_buf_add(b, "{", 1);
			tpl = p + 1;
		}
	}
}

void
export_count(struct os_buf *b, enum os_lang lang, int one_id, int64_t n)
{
	char num[32];

	snprintf(num, sizeof num, "%lld", (long long)n);
	/* All four languages use the singular for exactly one. */
	export_fill(b, export_text(lang, n == 1 ? one_id : one_id + 1), num, NULL, NULL);
}

void
export_decimal(enum os_lang lang, double v, int decimals, char buf[EXPORT_NUM_LEN])
{
	char *dot;

	snprintf(buf, EXPORT_NUM_LEN, "%.*f", decimals, v);
	/* Every language's separator is one character (the tests see to
	 * it). */
	dot = strchr(buf, '.');
	if (dot)
		*dot = export_text(lang, XT_DECIMAL)[0];
}

void
export_percent(struct os_buf *b, enum os_lang lang, double share)
{
	char num[EXPORT_NUM_LEN];

	export_decimal(lang, share * 100.0, 0, num);
	export_fill(b, export_text(lang, XT_PERCENT), num, NULL, NULL);
}

void
export_date(struct os_buf *b, enum os_lang lang, int64_t ms)
{
	time_t t = (time_t)(ms / 1000 - (ms % 1000 < 0));
	char day[8], year[16];
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return;
	snprintf(day, sizeof day, "%d", tm.tm_mday);
	snprintf(year, sizeof year, "%d", tm.tm_year + 1900);
	export_fill(b, export_text(lang, XT_DATE), day, export_text(lang, XT_MONTH_1 + tm.tm_mon),
		    year);
}
