#ifndef OS_BASE_ERR_H
#define OS_BASE_ERR_H

/*
 * One error enum for the whole program. Functions that can fail return one
 * of these (OS_OK is 0). os_err_code() maps each to the protocol's error code
 * exactly once, so that no layer spells protocol names itself.
 */
enum os_err {
	OS_OK = 0,
	OS_EBADREQ,        /* malformed or missing field */
	OS_EUNKNOWNOP,
	OS_EUNAUTH,        /* no valid session */
	OS_EFORBIDDEN,     /* known and visible, but not allowed */
	OS_ENOTFOUND,      /* absent, or invisible to the caller */
	OS_ECONFLICT,
	OS_ETOOLARGE,
	OS_ERATELIMIT,
	OS_EPHASE,         /* the round's phase does not allow this */
	OS_EINTERNAL,
	/* HTTP-side codes of the contract. */
	OS_EBADCRED,
	OS_EINVUSED,
	OS_EINVEXPIRED,
	OS_EUSERTAKEN,
	OS_EBUSY,          /* a bounded queue is full; try again shortly */
	OS_ENOMEM,
	OS_EDIRUNAVAIL,    /* the company directory cannot be reached */
	OS_ERESETUSED,     /* a password reset link that was used */
	OS_ERESETEXPIRED,  /* a password reset link past its time */
	OS_EUNSUPPORTED,   /* an upload that is not a PDF, PNG, JPEG or WebP */
	OS_ERR_COUNT
};

/* The protocol's name for an error, e.g. "not_found". Never NULL. */
const char *os_err_code(int err);

/* A short default message in English for an error. Never NULL. */
const char *os_err_message(int err);

/* The HTTP status that carries an error in the HTTP API. */
int os_err_http_status(int err);

#endif
