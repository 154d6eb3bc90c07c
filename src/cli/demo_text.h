#ifndef OS_CLI_DEMO_TEXT_H
#define OS_CLI_DEMO_TEXT_H

/*
 * The words of the demo, one table per language (demo_text_en.c,
 * demo_text_nb.c, demo_text_sv.c, demo_text_da.c). The demo's shape (the
 * accounts and their roles, who writes what, who votes how, which idea is
 * merged into which, which ideas feed each priority) lives once, in
 * demo.c; a language is only this table. Every entry means the same thing
 * in every language, so that the shape fits each of them:
 *
 * - people[] gives the display names of the accounts in demo.c's order:
 *   admin, maria, jonas, priya (managers), erik, sofia, ahmed, lena, tomas,
 *   mei, oskar, nora, kwame, ines (employees), clara, viktor (customers at
 *   customers[0]), hanna, david (customers at customers[1]). Usernames are
 *   the same in every language.
 * - The strategy round: plans[] by maria, jonas, priya and maria; ideas[]
 *   by the employees. ideas[24] says ideas[10] again in other words and is
 *   merged into it. comments[i] is a thread under ideas[i] in which each
 *   reply answers the one before; threads have DEMO_THREAD_LEN entries and
 *   the rest stay NULL. chats[] are said by maria, erik, jonas, lena, maria
 *   and mei, in that order; chats[3] is about ideas[7]. priorities[0] (owned
 *   by maria) gathers ideas 0, 7 and 16; priorities[1] (owned by priya)
 *   ideas 1, 4 and 12.
 * - Outcomes: goals[k] is what priorities[k] must achieve; priorities[0]
 *   is active, priorities[1] at risk. measures[k] (title: the name, body:
 *   the unit) measures priorities[k]; measure2 is a second measure of
 *   priorities[1]. milestones[] are two milestones of priorities[0], the
 *   first done. update is priya's progress update on priorities[1],
 *   update_comment erik's comment on it.
 * - needs[0] gathers ideas 0, 10, 16 and 20 and is answered by
 *   priorities[0]; needs[1] gathers ideas 3, 8 and 19 and is answered by
 *   priorities[1]. Both are named by maria.
 * - anchored_comment is lena's comment on plans[0], anchored to
 *   anchor_quote, words found in the plan's second block (the paragraph
 *   under its first heading). maria then revises plans[0] by adding
 *   revision (Markdown, a section of its own) at its end: revision 2.
 * - The innovation round, opened by jonas for the customers: cideas[] by
 *   clara, hanna, viktor, david and sofia; ccomments[0] is sofia asking
 *   under cideas[0], ccomments[1] clara's answer.
 *
 * Text is UTF-8 and Markdown where the forum renders Markdown (plans,
 * ideas, comments).
 */

#include "base/lang.h"

#define DEMO_NPEOPLE 18
#define DEMO_NPLANS 4
#define DEMO_NIDEAS 25
#define DEMO_NTHREADS 4
#define DEMO_THREAD_MAX 3
#define DEMO_THREAD_LEN {3, 2, 1, 2}
#define DEMO_NCHATS 6
#define DEMO_NPRIORITIES 2
#define DEMO_NCUSTOMERS 2
#define DEMO_NCIDEAS 5
#define DEMO_NCCOMMENTS 2
#define DEMO_NMILESTONES 2
#define DEMO_NNEEDS 2

/* A title and the text under it (a round's description, a post's body). */
struct demo_words {
	const char *title, *body;
};

struct demo_text {
	const char *company;                     /* the staff's organisation */
	const char *customers[DEMO_NCUSTOMERS];  /* the two customer organisations */
	const char *people[DEMO_NPEOPLE];        /* display names */
	struct demo_words round;                 /* the strategy round */
	struct demo_words plans[DEMO_NPLANS];
	struct demo_words ideas[DEMO_NIDEAS];
	const char *comments[DEMO_NTHREADS][DEMO_THREAD_MAX];
	const char *chats[DEMO_NCHATS];
	struct demo_words priorities[DEMO_NPRIORITIES];
	const char *goals[DEMO_NPRIORITIES];
	struct demo_words measures[DEMO_NPRIORITIES]; /* name, unit */
	struct demo_words measure2;              /* name, unit */
	const char *milestones[DEMO_NMILESTONES];
	const char *update, *update_comment;
	struct demo_words needs[DEMO_NNEEDS];
	const char *revision;                    /* added to plans[0] */
	const char *anchor_quote, *anchored_comment;
	struct demo_words innovation;            /* the customer round */
	struct demo_words cideas[DEMO_NCIDEAS];
	const char *ccomments[DEMO_NCCOMMENTS];
};

extern const struct demo_text demo_text_en, demo_text_nb, demo_text_sv, demo_text_da;

/* The table of lang; English's for a value out of range. */
const struct demo_text *demo_text(enum os_lang lang);

#endif
