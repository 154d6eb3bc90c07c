#ifndef OS_BASE_MODEL_H
#define OS_BASE_MODEL_H

/*
 * The domain's plain-C types, shared by store, forum, dispatch and export.
 * Enum names and their protocol spellings live together in model.c.
 */

#include <stddef.h>
#include <stdint.h>

enum os_role { ROLE_ADMIN, ROLE_MANAGER, ROLE_EMPLOYEE, ROLE_CUSTOMER, ROLE_COUNT };
enum os_phase { PHASE_DRAFT, PHASE_OPEN, PHASE_VOTING, PHASE_CLOSED, PHASE_COUNT };
enum os_audience { AUD_INTERNAL, AUD_INVITED, AUD_COUNT };
enum os_vote_mode { VOTE_UPDOWN, VOTE_DOTS, VOTE_MODE_COUNT };
enum os_post_kind { KIND_PLAN, KIND_IDEA, KIND_COUNT };
enum os_post_status { STATUS_OPEN, STATUS_MERGED, STATUS_PROMOTED, STATUS_HIDDEN,
		      STATUS_COUNT };
enum os_target { TARGET_POST, TARGET_COMMENT, TARGET_CHAT, TARGET_COUNT };
enum os_notify_kind { NK_REPLY, NK_MENTION, NK_ROUND_OPEN, NK_ROUND_VOTING,
		      NK_ROUND_CLOSED, NK_MERGED, NK_LINKED, NK_PRIORITY_UPDATE,
		      NK_PRIORITY_STATUS, NK_COUNT };
/* Where a priority stands. */
enum os_prio_status { PST_PLANNED, PST_ACTIVE, PST_AT_RISK, PST_DONE, PST_DROPPED,
		      PST_COUNT };
enum os_notify_mode { NOTIFY_INSTANT, NOTIFY_DAILY, NOTIFY_OFF, NOTIFY_MODE_COUNT };
/* Where an account came from: made here (the command line, an import), by
 * a directory sign-in, or by accepting an invite. */
enum os_source { SOURCE_LOCAL, SOURCE_DIRECTORY, SOURCE_INVITE, SOURCE_COUNT };

/* Protocol spelling of each enum value, and the reverse (-1 when unknown). */
const char *os_role_name(int role);
int os_role_parse(const char *s);
const char *os_phase_name(int phase);
int os_phase_parse(const char *s);
const char *os_audience_name(int aud);
int os_audience_parse(const char *s);
const char *os_vote_mode_name(int mode);
int os_vote_mode_parse(const char *s);
const char *os_kind_name(int kind);
int os_kind_parse(const char *s);
const char *os_status_name(int status);
int os_status_parse(const char *s);
const char *os_target_name(int target);
int os_target_parse(const char *s);
const char *os_notify_kind_name(int kind);
int os_notify_kind_parse(const char *s);
const char *os_notify_mode_name(int mode);
int os_notify_mode_parse(const char *s);
const char *os_source_name(int source);
int os_source_parse(const char *s);
const char *os_prio_status_name(int status);
int os_prio_status_parse(const char *s);

/* 1 when s is a valid username: 1 to OS_USERNAME_MAX letters, digits, '.',
 * '_' or '-', starting with a letter or digit. */
int os_username_valid(const char *s);

/* 1 when s is an email address as accounts keep them: at most OS_EMAIL_MAX
 * bytes of ASCII, one '@', a local part of 1 to 64 characters (letters,
 * digits and !#$%&'*+/=?^_`{|}~.- , no leading, trailing or double dot)
 * and a domain of dot-separated labels of letters, digits and '-' (not at
 * either end of a label), at least two of them. */
int os_email_valid(const char *s);

/* Field limits, in characters (code points) unless said otherwise. */
#define OS_USERNAME_MAX   32   /* bytes; [a-z0-9._-], starting alphanumeric */
#define OS_DISPLAY_MAX    80
#define OS_ORG_MAX        80
#define OS_PASSWORD_MIN   8
#define OS_PASSWORD_MAX   1024 /* bytes */
#define OS_TITLE_MAX      200
#define OS_DESC_MAX       20000
#define OS_PLAN_MAX       50000
#define OS_IDEA_MAX       10000
#define OS_COMMENT_MAX    5000
#define OS_CHAT_MAX       1000
#define OS_REASON_MAX     500
#define OS_EMAIL_MAX      254  /* bytes (RFC 5321's limit on a path) */
#define OS_UNIT_MAX       20   /* a measure's unit */
#define OS_GOAL_MAX       10000
#define OS_UPDATE_MAX     10000

/* Fixed sizes in bytes (UTF-8 takes at most 4 bytes per code point). */
#define OS_USERNAME_SZ    (OS_USERNAME_MAX + 1)
#define OS_DISPLAY_SZ     (OS_DISPLAY_MAX * 4 + 1)
#define OS_ORG_SZ         (OS_ORG_MAX * 4 + 1)
#define OS_EMAIL_SZ       (OS_EMAIL_MAX + 1)

struct user {
	int64_t id;
	char username[OS_USERNAME_SZ];
	char display_name[OS_DISPLAY_SZ];
	char org[OS_ORG_SZ];
	int role;          /* enum os_role */
	int disabled;
	/* The language the user chose (enum os_lang, base/lang.h), read only
	 * where the user is looked up as themself (by id or name): has_lang
	 * is 0 when they chose none, and in users read as authors, owners
	 * and the like, whose choice is theirs alone. */
	int has_lang;
	int lang;
};

/* An account as the people admin sees it: the USER, and what only admins
 * and the person themself are shown. */
struct account {
	struct user user;
	char email[OS_EMAIL_SZ]; /* "" when unknown */
	int source;              /* enum os_source */
	int64_t last_seen_at;    /* ms since the epoch; 0: never signed in */
};

/* Per-role vote counts of one post. */
struct tally {
	int64_t up[ROLE_COUNT];
	int64_t down[ROLE_COUNT];
	int64_t dots[ROLE_COUNT];
};

/* Totals across roles and the ranking score (see votes_score()). */
int64_t tally_up(const struct tally *t);
int64_t tally_down(const struct tally *t);
int64_t tally_dots(const struct tally *t);

/* Lower bound of the 95% Wilson score interval of up/(up+down); 0 with no
 * votes. */
double os_wilson_lower(int64_t up, int64_t down);

/* Objects below own their strings; *_clear() frees them (NULL-safe) and
 * leaves the struct zeroed. */

struct round {
	int64_t id;
	char *title;
	char *description;
	int phase;          /* enum os_phase */
	int audience;       /* enum os_audience */
	int vote_mode;      /* enum os_vote_mode */
	int dots_per_member;
	int64_t closes_at;  /* ms since the epoch; 0: none */
	int64_t created_by;
	int64_t created_at;
	/* 1: its customers see each other by name and organisation; 0: a
	 * customer sees other organisations' customers anonymously. */
	int customers_see_each_other;
};

/* A file attached to a post (the bytes are in the file store). */
#define OS_FILE_NAME_MAX 255   /* bytes of UTF-8 */
struct post_file {
	int64_t id;
	int64_t post;
	char name[OS_FILE_NAME_MAX + 1];
	char type[24];          /* application/pdf, image/png, image/jpeg, image/webp */
	int64_t size;
	char sha256[65];        /* lower-case hex */
	int pages;              /* a PDF's page count; 0: unknown or not a PDF */
	int64_t created_at;
};

struct post {
	int64_t id;
	int64_t round;
	int kind;           /* enum os_post_kind */
	char *title;
	char *body;
	char *body_html;
	struct user author;
	int64_t created_at;
	int status;         /* enum os_post_status, without hidden */
	int hidden;
	int64_t merged_into; /* 0: none */
	int64_t comment_count;
	int64_t priority;   /* the priority it feeds; 0: none */
	int vote_mode;      /* of its round, to compute the score */
	struct tally tally;
	int my_vote;        /* the caller's vote: -1/0/1, or dots spent */
	int has_my_vote;    /* 0 where the object goes to many people */
	int revision;       /* 1 for the first version */
	int64_t edited_at;  /* 0: never revised */
	int blocks;         /* top-level Markdown blocks of body (data-block marks) */
	struct post_file *files; /* its attachments, oldest first (owned) */
	size_t nfiles;
};

struct comment {
	int64_t id;
	int64_t post;
	int64_t round;
	int64_t parent;     /* 0: top level */
	char *body;
	char *body_html;
	struct user author;
	int64_t created_at;
	int hidden;
	int64_t from_post;  /* the merged post it was written on, if not post */
	/* The words of the post it is about (anchor_quote NULL: none), in
	 * top-level block anchor_block; -1 with anchor_outdated once a
	 * revision lost them. */
	char *anchor_quote;
	int anchor_block;
	int anchor_outdated;
	int64_t edited_at;  /* 0: never edited */
	int64_t update;     /* a comment on a progress update: its id (post 0) */
};

struct chat {
	int64_t id;
	int64_t round;
	char *body;
	struct user author;
	int64_t created_at;
	int hidden;
};

/* A measure of a priority's progress: where it started, where it must
 * get to, and where it is (updated_at: the last change, ms). */
struct measure {
	int64_t id;
	int64_t priority;
	char name[OS_TITLE_MAX * 4 + 1];
	char unit[OS_UNIT_MAX * 4 + 1];
	double baseline, target, current;
	int64_t updated_at;
};

struct milestone {
	int64_t id;
	int64_t priority;
	char title[OS_TITLE_MAX * 4 + 1];
	char due[11];       /* YYYY-MM-DD */
	int64_t done_at;    /* ms; 0: not done */
};

struct priority {
	int64_t id;
	int64_t round;
	char *title;
	char *description;
	int has_owner;
	struct user owner;
	int rank;
	int64_t *posts;
	size_t nposts;
	/* Outcomes: what it must achieve and how it is going. */
	char *goal;         /* Markdown, "" when none */
	char *goal_html;
	int status;         /* enum os_prio_status */
	struct measure *measures;
	size_t nmeasures;
	struct milestone *milestones; /* by due date */
	size_t nmilestones;
	int64_t nupdates;
	int has_following;  /* 0 where the object goes to many people */
	int following;      /* the reader follows it */
};

/* A progress update of a priority, with the status it had then. */
struct priority_update {
	int64_t id;
	int64_t priority;
	int64_t round;
	char *body;
	char *body_html;
	struct user author;
	int64_t created_at;
	int status;         /* enum os_prio_status */
	int64_t comment_count;
};

/* A notice for one recipient. post, comment and chat are 0 when absent;
 * a comment notice names its post too. */
struct notification {
	int64_t id;
	int64_t recipient;
	int kind;           /* enum os_notify_kind */
	int64_t round;
	int64_t post;
	int64_t comment;
	int64_t chat;
	struct user actor;
	int64_t created_at;
	int read;
	int64_t priority;   /* priority notices: the priority, and the update */
	int64_t update;
};

/* A need: what several wishes (ideas) have in common, named by leadership.
 * posts and priorities are the linked ids, in id order. */
struct need {
	int64_t id;
	int64_t round;
	char *title;
	char *description;
	char *description_html;
	int64_t *posts;
	size_t nposts;
	int64_t *priorities;
	size_t npriorities;
	int64_t created_at;
	int64_t updated_at;
};

void round_clear(struct round *r);
void post_clear(struct post *p);
void comment_clear(struct comment *c);
void chat_clear(struct chat *c);
void priority_clear(struct priority *p);
void need_clear(struct need *n);
void priority_update_clear(struct priority_update *u);

/* The status the protocol reports: hidden wins over the stored status. */
int post_status(const struct post *p);

/* The ranking score: Wilson lower bound in updown rounds, total dots in
 * dots rounds. */
double post_score(const struct post *p);

#endif
