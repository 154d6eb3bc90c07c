/*
 * src/base/hist.c: the metrics' histograms. A value on a bound belongs to
 * that bound's bucket (Prometheus buckets are "less than or equal"), one
 * above every bound to the last; sum and count follow every observation.
 */
#include <check.h>

#include "base/hist.h"
#include "fixture.h"

START_TEST(values_land_in_le_buckets)
{
	static const uint64_t bounds[] = {10, 100, 1000};
	struct os_hist h = {0};

	os_hist_observe(&h, bounds, 3, 0);
	os_hist_observe(&h, bounds, 3, 10);   /* on the bound: its bucket */
	os_hist_observe(&h, bounds, 3, 11);
	os_hist_observe(&h, bounds, 3, 100);
	os_hist_observe(&h, bounds, 3, 1001); /* above all */
	os_hist_observe(&h, bounds, 3, UINT64_C(1) << 40);
	ck_assert_uint_eq(h.counts[0], 2);
	ck_assert_uint_eq(h.counts[1], 2);
	ck_assert_uint_eq(h.counts[2], 0);
	ck_assert_uint_eq(h.counts[3], 2);
	ck_assert_uint_eq(h.count, 6);
	ck_assert_uint_eq(h.sum, 10 + 11 + 100 + 1001 + (UINT64_C(1) << 40));
}
END_TEST

START_TEST(no_bounds_is_one_bucket)
{
	struct os_hist h = {0};

	os_hist_observe(&h, NULL, 0, 5);
	ck_assert_uint_eq(h.counts[0], 1);
	ck_assert_uint_eq(h.count, 1);
	ck_assert_uint_eq(h.sum, 5);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hist");
	TCase *tc = tcase_create("hist");

	tcase_add_test(tc, values_land_in_le_buckets);
	tcase_add_test(tc, no_bounds_is_one_bucket);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
