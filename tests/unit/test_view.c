/*
 * dispatch_event_for_viewer (src/dispatch/view.c): an event another node
 * rendered for staff, re-rendered here for a customer, must be byte for
 * byte what this node would have rendered for that customer itself.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "dispatch/view.h"
#include "forum/events.h"

static struct user
person(int64_t id, int role, const char *name, const char *org)
{
	struct user u = {.id = id, .role = role};

	snprintf(u.username, sizeof u.username, "%s", name);
	snprintf(u.display_name, sizeof u.display_name, "%s Person", name);
	snprintf(u.org, sizeof u.org, "%s", org);
	return u;
}

/* The staff rendering re-rendered for viewer equals the direct one. */
static void
same_as_direct(const struct os_event *ev, const struct user *viewer, int redacted)
{
	size_t len, dlen, vlen;
	char *staff = redacted ? dispatch_render_event_redacted(ev, &len)
			       : dispatch_render_event(ev, &len);
	char *direct = dispatch_render_event_for(ev, viewer, redacted, &dlen);
	char *via;

	ck_assert_ptr_nonnull(staff);
	ck_assert_ptr_nonnull(direct);
	via = dispatch_event_for_viewer(staff, len, viewer, ev->customers_see_each_other, &vlen);
	ck_assert_ptr_nonnull(via);
	ck_assert_msg(!strcmp(via, direct), "for %s:\n  here:   %s\n  direct: %s",
		      viewer->username, via, direct);
	ck_assert_uint_eq(vlen, dlen);
	free(staff);
	free(direct);
	free(via);
}

START_TEST(events_with_users_match_the_direct_rendering_for_every_viewer)
{
	struct user alfa = person(11, ROLE_CUSTOMER, "alfa", "Alfa");
	struct user alfa2 = person(12, ROLE_CUSTOMER, "alfa2", "Alfa");
	struct user beta = person(13, ROLE_CUSTOMER, "beta", "Beta");
	struct user none = person(14, ROLE_CUSTOMER, "none", "");
	struct user emp = person(16, ROLE_EMPLOYEE, "emp", "Staff AS");
	struct user mgr = person(17, ROLE_MANAGER, "mgr", "");
	const struct user *viewers[] = {&alfa, &alfa2, &beta, &none, &emp, &mgr};
	const struct user *authors[] = {&alfa, &beta, &none, &emp};
	struct post p = {.id = 5, .round = 1, .kind = KIND_IDEA, .title = "T", .body = "B",
			 .body_html = "<p>B</p>", .created_at = 1};
	struct comment c = {.id = 7, .post = 5, .round = 1, .body = "C",
			    .body_html = "<p>C</p>", .created_at = 2, .anchor_block = -1};
	struct chat m = {.id = 9, .round = 1, .body = "hi", .created_at = 3};
	struct os_event evs[3] = {
		{.type = EV_POST_CREATED, .round = 1, .post = &p},
		{.type = EV_COMMENT_CREATED, .round = 1, .post = &p, .comment = &c},
		{.type = EV_CHAT_MESSAGE, .round = 1, .chat = &m},
	};

	for (size_t a = 0; a < sizeof authors / sizeof *authors; a++) {
		p.author = c.author = m.author = *authors[a];
		for (int see_all = 0; see_all <= 1; see_all++)
			for (size_t e = 0; e < 3; e++) {
				evs[e].customers_see_each_other = see_all;
				for (size_t v = 0; v < sizeof viewers / sizeof *viewers; v++) {
					same_as_direct(&evs[e], viewers[v], 0);
					same_as_direct(&evs[e], viewers[v], 1);
				}
			}
	}
}
END_TEST

START_TEST(another_organisations_customer_is_anonymous_and_nothing_else_changes)
{
	struct user alfa = person(11, ROLE_CUSTOMER, "alfa", "Alfa");
	const char *staff = "{\"ev\":\"post.created\",\"round\":1,\"post\":{\"id\":5,"
			    "\"author\":{\"id\":13,\"username\":\"beta\",\"display_name\":\"B\","
			    "\"role\":\"customer\",\"org\":\"Beta\"},"
			    "\"x\":{\"id\":13,\"username\":\"beta\",\"display_name\":\"B\","
			    "\"role\":\"customer\",\"org\":\"Beta\",\"email\":\"b@b\"}}}";
	size_t len;
	char *out = dispatch_event_for_viewer(staff, strlen(staff), &alfa, 0, &len);

	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(strstr(out, "\"author\":{\"id\":13,\"username\":\"\","
					  "\"display_name\":\"\",\"role\":\"customer\","
					  "\"org\":\"\",\"anonymous\":true}"));
	/* Not a USER (one member more): left as it is. */
	ck_assert_ptr_nonnull(strstr(out, "\"email\":\"b@b\""));
	free(out);
	/* Not an object: refused. */
	ck_assert_ptr_null(dispatch_event_for_viewer("[1]", 3, &alfa, 0, &len));
	ck_assert_ptr_null(dispatch_event_for_viewer("{\"a\":", 5, &alfa, 0, &len));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("view");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, events_with_users_match_the_direct_rendering_for_every_viewer);
	tcase_add_test(tc, another_organisations_customer_is_anonymous_and_nothing_else_changes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
