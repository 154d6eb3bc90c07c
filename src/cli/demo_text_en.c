/* The demo in English: Northwind and its customers Nordbank and Helio Health. */
#include "cli/demo_text.h"

const struct demo_text demo_text_en = {
	.company = "Northwind",
	.customers = {"Nordbank", "Helio Health"},
	.people = {
		"Ada Admin", "Maria Lindqvist", "Jonas Berg", "Priya Raman",
		"Erik Nygaard", "Sofia Castro", "Ahmed Haddad", "Lena Fischer",
		"Tomas Novak", "Mei Chen", "Oskar Dahl", "Nora Hansen",
		"Kwame Mensah", "Ines Duarte", "Clara Jensen", "Viktor Aalto",
		"Hanna Svensson", "David Okafor",
	},
	.round = {"Strategy 2027: growing with our customers",
		  "Leadership has drafted four plans for 2027. Read them, tear them "
		  "apart, and add your own ideas. The best ideas become our "
		  "priorities for next year, each with a named owner."},
	.plans = {
		{"Customer success: from tickets to outcomes",
		 "## Where we are\n\nOur support organisation measures **tickets closed**, "
		 "not customer outcomes. Renewal rates in the mid-market fell from 91% to "
		 "86% last year.\n\n## The plan\n\n1. Give every top-200 account a named "
		 "success lead.\n2. Replace ticket targets with *time to value* and renewal "
		 "health.\n3. Publish a quarterly outcome review with each customer.\n\n"
		 "## What I need from you\n\nTell me where this breaks in your daily work, "
		 "and which accounts we would lose first if we get it wrong."},
		{"Platform: one data layer by 2027",
		 "We run **four** customer databases that disagree with each other. "
		 "This plan merges them into one data layer over six quarters.\n\n"
		 "- Q1-Q2: freeze new integrations on the old stores\n"
		 "- Q3-Q4: migrate billing and support\n- 2027: retire the last two\n\n"
		 "Risks: migration fatigue, and the reporting team's dependence on the "
		 "old warehouse. Criticism welcome, especially from the reporting team."},
		{"Grow in the Nordics through partners",
		 "Direct sales in Finland and Denmark cost us 2.3x what they cost in "
		 "Sweden. I propose we sell through **three regional partners** and move "
		 "our own people to partner enablement.\n\n> We keep the ten largest "
		 "accounts direct.\n\nWhat would our customers say? What would you say?"},
		{"Make hybrid work deliberate",
		 "Office days are decided team by team today. I suggest two shared "
		 "anchor days a week for everyone, and the rest decided by teams. "
		 "Tell me what this does to your work, good and bad."},
	},
	.ideas = {
		{"A shared customer timeline for every account",
		 "Sales, support and billing each see a slice. One timeline per account, "
		 "readable by everyone who talks to the customer, would stop us asking "
		 "customers the same question three times."},
		{"Let support engineers join renewal calls",
		 "The people who fixed the customer's worst week are rarely in the room "
		 "when the customer decides to renew. Invite them."},
		{"Move all internal meetings to Tuesday and Thursday",
		 "Protect three days for deep work. Meetings expand to fill the week "
		 "otherwise."},
		{"Publish our roadmap to customers",
		 "A public roadmap, with honest dates and a *we are not doing this* "
		 "list, would save sales weeks of back-and-forth."},
		{"Onboarding buddy for every new customer",
		 "Pair each new customer with one engineer for their first 90 days. "
		 "Cheap, human, and it shows up in renewals."},
		{"Retire the legacy reporting portal",
		 "Half of our customers never log into it, and the other half export "
		 "to Excel on the first screen. Give them a clean CSV export and move on."},
		{"Four-day week pilot in one team",
		 "Run a six-month pilot in one team with clear measures, then decide."},
		{"Fix the invoice format before anything else",
		 "Our invoices are the most common reason customers call us. A clear "
		 "invoice is a strategy decision, not an admin task."},
		{"Customer advisory board with real power",
		 "Twice a year, let a board of customers veto one roadmap item. It "
		 "forces us to explain ourselves."},
		{"Partner certification before partner sales",
		 "If we go through partners in the Nordics, certify them first: a bad "
		 "partner costs us the customer, not them."},
		{"Single sign-on for all our products",
		 "Customers log in four times a day. One account, one login."},
		{"Replace the intranet with this forum",
		 "Half joking. Half."},
		{"Measure time to first value, not time to close",
		 "A deal closed that never delivers value is a churned customer in a "
		 "year. Measure the first real outcome after signing."},
		{"Open office hours with the product team",
		 "One hour a week where anyone, staff or customer, can bring a problem "
		 "to the product managers."},
		{"Translate the product into Finnish and Danish",
		 "Partners will ask for it on day one."},
		{"Anchor days: make them team days, not office days",
		 "If we all come in, let it be for work we do together, not for the "
		 "same video calls from a different desk."},
		{"Give every account a health score everyone can see",
		 "Usage, open cases, invoices overdue, last executive contact: one "
		 "number and the reasons behind it, on every account page."},
		{"Quarterly hack week for internal tools",
		 "Our own tools are the worst software we ship. One week a quarter to "
		 "fix them."},
		{"Train partners in our support tools before they sell",
		 "Partners who can open and follow a case are partners customers "
		 "trust."},
		{"Close the loop on every piece of customer feedback",
		 "Tell customers what happened to their suggestion, even when the "
		 "answer is no."},
		{"A shared glossary for sales, support and product",
		 "We use \"account\", \"tenant\" and \"customer\" for three different "
		 "things in three departments."},
		{"Renewal risk review every month, not every quarter",
		 "By the time the quarterly review flags an account it has usually "
		 "decided already."},
		{"Move the all-hands to Thursday afternoon",
		 "Monday mornings are for customers."},
		{"Document every integration we support, publicly",
		 "Half of our support cases are about integrations we never wrote down."},
		{"One login for all our products",
		 "Four passwords a day is three too many. Same account everywhere."},
	},
	.comments = {
		{"This would have saved me two escalations last month.",
		 "Agreed. Who owns the timeline, though? If nobody does it rots.",
		 "Success leads could own it, as in the customer success plan."},
		{"Yes. Customers trust the person who fixed their problem.",
		 "We tried this in 2022; it worked until the calendars got full."},
		{"Deep work matters, but customers call on Mondays too."},
		{"Honest dates are the hard part. Do we have them?",
		 "Then publish ranges. Customers prefer ranges to surprises."},
	},
	.chats = {
		"Welcome to the Strategy 2027 round! Plans are up; ideas welcome until "
		"the end of the month.",
		"Is the data layer plan also covering the support tool?",
		"Yes, support is in the Q3-Q4 wave.",
		"The invoice idea is getting a lot of votes. Good.",
		"I will take the top ideas to the leadership offsite in three weeks.",
		"Thanks for opening this up. First time I have read the plans before "
		"they were final.",
	},
	.priorities = {
		{"Know every customer as one account",
		 "One timeline, one health score and one invoice everyone understands, "
		 "for every account."},
		{"Outcomes over tickets",
		 "Measure what customers get from us, and bring the people who fixed "
		 "their problems into the room."},
	},
	.goals = {
		"Every account has **one** shared timeline and a health score that "
		"sales, support and billing all read by the end of 2027.",
		"Mid-market renewals back at **91%**, with customers reaching their "
		"first real outcome within 30 days of signing.",
	},
	.measures = {
		{"Accounts with a shared timeline", "%"},
		{"Mid-market renewal rate", "%"},
	},
	.measure2 = {"Median time to first value", "days"},
	.milestones = {
		"Timeline pilot with ten accounts",
		"Health score on every account page",
	},
	.update = "Renewals slipped again this quarter, to 84%, mostly among accounts "
		  "that had no success lead yet. Time to first value is improving. "
		  "**Next:** support engineers join every renewal call in Q2, and we "
		  "review the riskiest twenty accounts every month.",
	.update_comment = "Can the support engineers see the renewal dates in their "
			  "queue? Otherwise we will hear about the calls too late.",
	.needs = {
		{"Customers should not have to repeat themselves",
		 "Customers tell us the same thing in sales, support and billing. "
		 "These ideas all ask for one shared picture of the customer."},
		{"Customers want to see that we listen",
		 "Roadmap, advisory board, feedback: customers ask to see what "
		 "becomes of what they tell us."},
	},
	.revision = "## Changed after your comments\n\nRenewal health is now measured "
		    "**every month**, not every quarter, and support engineers join "
		    "renewal calls for the accounts at risk.",
	.anchor_quote = "Renewal rates in the mid-market fell from 91% to 86% last year.",
	.anchored_comment = "Most of the accounts we lost had no named contact at all. "
			    "Could we start the success leads with them?",
	.innovation = {"Innovation round: the service desk of the future",
		       "We have invited customers from Nordbank and Helio Health to tell "
		       "us what their service desk should do in three years. Tell us the "
		       "problem behind the wish: that is what we build for. Each member "
		       "has 10 dots to spend."},
	.cideas = {
		{"Tell us before we notice",
		 "When something breaks on your side, we want to hear it from you "
		 "first, with an estimate, not from our own customers."},
		{"One place for all our cases",
		 "Our teams open cases by email, phone and portal. We lose track. One "
		 "list, whatever the channel."},
		{"Answers in Finnish",
		 "Our branch staff work in Finnish. Even a good machine translation of "
		 "the knowledge base would help."},
		{"Let our admins fix the simple things themselves",
		 "Password resets and user provisioning should not need a ticket."},
		{"Status page per customer",
		 "A status page that shows what affects *this* customer, not the whole "
		 "platform."},
	},
	.ccomments = {
		"What would a good estimate look like for you: an hour, a day?",
		"Within the hour, even if it is wrong. Silence is worse than a bad "
		"estimate.",
	},
};
