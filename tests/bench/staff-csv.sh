#!/bin/sh
# Writes a staff list of N people (default 10000) for `openstrat user import`
# on stdout: the header, then realistic lines with quoted names, commas,
# Nordic letters, emails, every role and a few organisations. The same
# arguments give the same bytes; another SHIFT (default 0) moves everyone
# to another organisation, so that importing it updates every account.
#   tests/bench/staff-csv.sh 10000 > staff.csv
#   tests/bench/staff-csv.sh 10000 1 > staff-moved.csv
set -eu
n=${1:-10000}
shift_by=${2:-0}
awk -v n="$n" -v s="$shift_by" 'BEGIN {
	split("Anna Åsa Björn Ørjan Søren Ingrid Lars Mette Jonas Sofia Erik Maja", first, " ");
	split("Lindqvist Nygaard Holm Ødegård Castro Berg Sørensen Ahmed Virtanen Jensen", last, " ");
	split("Sales|Research & Development|Operations, Oslo|Finance|HR|Support, Malmö|", org, "|");
	printf "\xef\xbb\xbfusername,display_name,email,role,org\r\n";
	for (i = 1; i <= n; i++) {
		f = first[(i % 12) + 1]; l = last[(int(i / 12) % 10) + 1];
		role = (i % 500 == 0) ? "admin" : (i % 50 == 0) ? "manager" : (i % 7 == 0) ? "" : "employee";
		o = org[((i + s) % 7) + 1];
		printf "staff%05d,\"%s, %s \"\"%d\"\"\",staff%05d@example.com,%s,\"%s\"\r\n", i, l, f, i, i, role, o;
	}
}'
