#include "base/err.h"

static const struct {
	const char *code;
	const char *message;
	int http;
} errs[OS_ERR_COUNT] = {
	[OS_OK]         = {"ok", "ok", 200},
	[OS_EBADREQ]    = {"bad_request", "the request is malformed", 400},
	[OS_EUNKNOWNOP] = {"unknown_op", "no such operation", 400},
	[OS_EUNAUTH]    = {"unauthorized", "sign in first", 401},
	[OS_EFORBIDDEN] = {"forbidden", "you may not do that", 403},
	[OS_ENOTFOUND]  = {"not_found", "no such thing", 404},
	[OS_ECONFLICT]  = {"conflict", "that conflicts with the current state", 409},
	[OS_ETOOLARGE]  = {"too_large", "a field is over its limit", 413},
	[OS_ERATELIMIT] = {"rate_limited", "too many requests; slow down", 429},
	[OS_EPHASE]     = {"phase_closed", "the round's phase does not allow this", 409},
	[OS_EINTERNAL]  = {"internal", "the server failed; nothing was changed", 500},
	[OS_EBADCRED]   = {"bad_credentials", "wrong username or password", 401},
	[OS_EINVUSED]   = {"invite_used", "this invite has already been used", 410},
	[OS_EINVEXPIRED]= {"invite_expired", "this invite has expired", 410},
	[OS_EUSERTAKEN] = {"username_taken", "that username is taken", 409},
	[OS_EBUSY]      = {"rate_limited", "the server is busy; try again shortly", 503},
	[OS_ENOMEM]     = {"internal", "out of memory", 500},
	[OS_EDIRUNAVAIL]= {"directory_unavailable",
			   "the company directory cannot be reached; try again shortly", 503},
	[OS_ERESETUSED] = {"reset_used", "this link has already been used", 410},
	[OS_ERESETEXPIRED] = {"reset_expired", "this link has expired", 410},
	[OS_EUNSUPPORTED] = {"unsupported_type",
			     "only PDF, PNG, JPEG and WebP files can be attached", 415},
};

const char *
os_err_code(int err)
{
	if (err < 0 || err >= OS_ERR_COUNT || !errs[err].code)
		return "internal";
	return errs[err].code;
}

const char *
os_err_message(int err)
{
	if (err < 0 || err >= OS_ERR_COUNT || !errs[err].message)
		return "the server failed";
	return errs[err].message;
}

int
os_err_http_status(int err)
{
	if (err < 0 || err >= OS_ERR_COUNT || !errs[err].http)
		return 500;
	return errs[err].http;
}
