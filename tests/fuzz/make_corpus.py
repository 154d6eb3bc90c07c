#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz harnesses into tests/fuzz/corpus/.

The corpus is committed; this script is how it was made, to be rerun (and
extended) when the protocol grows. Ids and tokens are those of the fixture
in fuzz_common.h (deterministic):

  users     1 ada admin, 2 max manager, 3 eve employee, 4 cleo customer
            (rounds 2, 5), 5 nico customer (nothing), 6 dora (disabled)
  rounds    1 internal open, 2 invited dots open, 3 draft, 4 voting,
            5 invited closed, 6 invited open (no members)
  posts     1 plan, 2-3 ideas, 4 merged into 3, 5 hidden (round 1);
            6-7 (round 2); 8 (round 4); 9 (round 5); 10 (round 6)
  comments  1, 2 (reply to 1), 3 hidden (reply to 2) on post 2; 4 on post 4;
            5, 6 on post 6; 7 on post 10
  chat      1, 2 hidden (round 1); 3 (round 2); 4 (round 6)
  priorities 1 (round 1, links post 2), 2 (round 2, links 6), 3 (round 3)
  needs     1 (round 2, gathers post 6, answered by priority 2)
"""
import hashlib
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

ADMIN, MANAGER, EMPLOYEE, MEMBER, OUTSIDER = range(5)

TOKENS = {
    "invite_customer": "HJyrOj-sCB2w-gRKoaD-tGrVJNzAB0pNzSM7hVdPqzw",
    "invite_employee": "ddqQpxHkHmgKUdgtiNbEO3dDow-gHHUxdlJoE9N0IX4",
    "invite_used": "L-uZV0Qsj33yYW-47PjFNdj_92CubQjxn3CUnVWgCyA",
    "invite_expired": "jOaiF1VaYdc-b4OKMTU2ZxBN8SAZWx0XXx7Ymp1Rl7k",
    "session_ada": "nho4zwtlQokc1s_Ts16HmWQ2eAQoLhfYt1i8vvs7YOc",
    "session_revoked": "gfTxLnZctdUI2_6CBDLU22xFEt-TA9IgXy6BGr6EJdk",
    "session_disabled": "NCQpOCUeE0rJ8eA_kQCwDQIwpqDlKRxPZmCG6ZKsxXg",
}


def j(**kw):
    return json.dumps(kw, ensure_ascii=False, separators=(",", ":")).encode()


def dispatch_seeds():
    s = []

    def add(roles, msg):
        if isinstance(msg, dict):
            msg = json.dumps(msg, ensure_ascii=False, separators=(",", ":")).encode()
        elif isinstance(msg, str):
            msg = msg.encode()
        for r in roles:
            s.append(bytes([r]) + msg)

    everyone = [ADMIN, MANAGER, EMPLOYEE, MEMBER, OUTSIDER]
    staff = [ADMIN, MANAGER]
    add(everyone, {"op": "hello", "rid": 1})
    add(everyone, {"op": "rounds.list", "rid": 2})
    add(staff, {"op": "round.create", "rid": 3, "title": "Pricing 2028",
                "description": "Where **should** we go?", "audience": "internal",
                "vote_mode": "updown"})
    add([MANAGER], {"op": "round.create", "rid": 4, "title": "Dots", "audience": "invited",
                    "vote_mode": "dots", "dots_per_member": 5,
                    "closes_at": "2031-01-01T00:00:00+02:00"})
    add([MANAGER], {"op": "round.create", "rid": 5, "title": "x", "audience": "public",
                    "vote_mode": "dots"})
    add([EMPLOYEE], {"op": "round.create", "rid": 6, "title": "Mine", "audience": "internal",
                     "vote_mode": "updown"})
    add([MANAGER], {"op": "round.update", "rid": 7, "round": 3, "phase": "open"})
    add([MANAGER], {"op": "round.update", "rid": 8, "round": 1, "phase": "draft"})
    add([ADMIN], {"op": "round.update", "rid": 9, "round": 2, "closes_at": None,
                  "title": "  Renamed  "})
    add([MANAGER], {"op": "round.update", "rid": 10, "round": 4,
                    "closes_at": "2000-02-29T23:59:60.999Z"})
    add(everyone, {"op": "round.subscribe", "rid": 11, "round": 2})
    add([EMPLOYEE, OUTSIDER], {"op": "round.subscribe", "rid": 12, "round": 3})
    add([MEMBER], {"op": "round.subscribe", "rid": 13, "round": 6})
    add([OUTSIDER], {"op": "round.unsubscribe", "rid": 14, "round": 2})
    add([EMPLOYEE, MEMBER], {"op": "post.create", "rid": 15, "round": 2, "kind": "idea",
                             "title": "A better <b>idea</b>",
                             "body": "Try [this](javascript:alert(1)) and <script>x</script>"})
    add([EMPLOYEE], {"op": "post.create", "rid": 16, "round": 1, "kind": "plan",
                     "title": "Plan", "body": "only managers"})
    add([MANAGER], {"op": "post.create", "rid": 17, "round": 1, "kind": "plan",
                    "title": "   ", "body": "empty title"})
    add([MEMBER], {"op": "post.create", "rid": 18, "round": 5, "kind": "idea",
                   "title": "Closed", "body": "too late"})
    add([OUTSIDER], {"op": "post.create", "rid": 19, "round": 2, "kind": "idea",
                     "title": "Let me in", "body": "please"})
    add(everyone, {"op": "post.get", "rid": 20, "post": 6})
    add([EMPLOYEE, MANAGER], {"op": "post.get", "rid": 21, "post": 5})
    add([EMPLOYEE], {"op": "post.get", "rid": 22, "post": 3})
    add([EMPLOYEE, MEMBER], {"op": "comment.create", "rid": 23, "post": 6, "parent": 5,
                             "body": "Agreed, *strongly*."})
    add([EMPLOYEE], {"op": "comment.create", "rid": 24, "post": 2, "parent": 3,
                     "body": "reply to a hidden one"})
    add([EMPLOYEE], {"op": "comment.create", "rid": 25, "post": 2, "parent": 7,
                     "body": "wrong thread"})
    add([EMPLOYEE], {"op": "comment.create", "rid": 26, "post": 4, "body": "on a merged post"})
    add([EMPLOYEE], {"op": "vote.cast", "rid": 27, "post": 3, "value": -1})
    add([EMPLOYEE], {"op": "vote.cast", "rid": 28, "post": 8, "value": 0})
    add([MEMBER], {"op": "vote.cast", "rid": 29, "post": 7, "dots": 7})
    add([MEMBER], {"op": "vote.cast", "rid": 30, "post": 7, "dots": 8})
    add([EMPLOYEE], {"op": "vote.cast", "rid": 31, "post": 2, "value": 2, "dots": 1})
    add([OUTSIDER], {"op": "vote.cast", "rid": 32, "post": 6, "dots": 1})
    add([MEMBER, EMPLOYEE], {"op": "chat.send", "rid": 33, "round": 2, "body": "hi \u00e9\u00e8 \U0001F600"})
    add([OUTSIDER], {"op": "chat.send", "rid": 34, "round": 6, "body": "anyone?"})
    add([MEMBER, MANAGER], {"op": "chat.history", "rid": 35, "round": 2, "limit": 200})
    add([EMPLOYEE], {"op": "chat.history", "rid": 36, "round": 1, "before": 3, "limit": 0})
    add(staff, {"op": "invite.create", "rid": 37, "role": "customer", "round": 2,
                "expires_hours": 48})
    add([MANAGER], {"op": "invite.create", "rid": 38, "role": "customer", "round": 1})
    add([MANAGER], {"op": "invite.create", "rid": 39, "role": "employee"})
    add([MANAGER], {"op": "invite.create", "rid": 40, "role": "admin"})
    add(staff, {"op": "priority.create", "rid": 41, "round": 1, "title": "Outcomes",
                "description": "Measure what customers get.", "owner": 3})
    add([MANAGER], {"op": "priority.create", "rid": 42, "round": 2, "title": "Bad owner",
                    "owner": 4})
    add([MANAGER], {"op": "priority.update", "rid": 43, "priority": 1, "rank": 2,
                    "owner": None, "title": "New title"})
    add([MANAGER], {"op": "priority.link", "rid": 44, "priority": 1, "post": 3})
    add([MANAGER], {"op": "priority.link", "rid": 45, "priority": 1, "post": 6})
    add([MANAGER], {"op": "priority.unlink", "rid": 46, "priority": 1, "post": 2})
    add(staff, {"op": "post.merge", "rid": 47, "post": 2, "into": 3})
    add([MANAGER], {"op": "post.merge", "rid": 48, "post": 6, "into": 2})
    add([MANAGER], {"op": "post.merge", "rid": 49, "post": 3, "into": 3})
    add([EMPLOYEE, MEMBER], {"op": "flag.create", "rid": 50, "target": "post", "id": 6,
                             "reason": "spam"})
    add([MEMBER], {"op": "flag.create", "rid": 51, "target": "chat", "id": 1, "reason": "x"})
    add([EMPLOYEE], {"op": "flag.create", "rid": 52, "target": "comment", "id": 3,
                     "reason": "hidden already"})
    add(staff, {"op": "mod.hide", "rid": 53, "target": "comment", "id": 3, "hidden": False,
                "reason": "restored"})
    add([MANAGER], {"op": "mod.hide", "rid": 54, "target": "post", "id": 6, "hidden": True})
    add([EMPLOYEE], {"op": "mod.hide", "rid": 55, "target": "chat", "id": 1, "hidden": "yes"})
    add(staff + [EMPLOYEE], {"op": "mod.queue", "rid": 56})
    add([MANAGER], {"op": "mod.queue", "rid": 57, "round": 1})
    add([ADMIN, MANAGER], {"op": "audit.list", "rid": 58, "limit": 500, "before": 100})
    add([ADMIN], {"op": "user.disable", "rid": 59, "user": 3})
    add([ADMIN], {"op": "user.disable", "rid": 60, "user": 1})
    add([ADMIN], {"op": "user.disable", "rid": 61, "user": 6, "disabled": False})
    add([ADMIN, MANAGER], {"op": "users.list", "rid": 85, "query": "\u00c5sa e", "role": "employee",
                           "disabled": False, "limit": 200, "offset": 1})
    add([ADMIN], {"op": "users.list", "rid": 86, "limit": 0, "offset": -1})
    # Big rounds: pages of posts, people to pick.
    add(everyone, {"op": "posts.list", "rid": 301, "round": 1, "order": "top", "limit": 2})
    add([MANAGER, MEMBER], {"op": "posts.list", "rid": 302, "round": 2, "order": "new",
                            "kind": "idea", "cursor": "n:1:7", "limit": 200})
    add([EMPLOYEE], {"op": "posts.list", "rid": 303, "round": 1, "cursor": "t:1:0:3"})
    add([EMPLOYEE], {"op": "posts.list", "rid": 304, "round": 1, "cursor": "t:9:-1:x",
                     "limit": 0, "order": "old"})
    add([MANAGER, MEMBER], {"op": "round.subscribe", "rid": 305, "round": 2, "posts_limit": 1,
                            "posts_order": "new", "posts_kind": "plan"})
    add([ADMIN, MANAGER, EMPLOYEE], {"op": "users.find", "rid": 306, "query": " \u00e5s ",
                                     "role": "staff", "limit": 50})
    add([MANAGER], {"op": "users.find", "rid": 307, "query": "", "role": "boss", "limit": 51})
    add([ADMIN, EMPLOYEE], {"op": "user.update", "rid": 87, "user": 3, "role": "manager",
                            "display_name": " Eve ", "org": "R&D", "email": "eve@example.com"})
    add([ADMIN], {"op": "user.update", "rid": 88, "user": 1, "role": "customer"})
    add([ADMIN], {"op": "user.update", "rid": 89, "user": 4, "email": "not@mail", "org": "a\nb"})
    add([ADMIN, MANAGER], {"op": "password.reset", "rid": 90, "user": 3})
    add([ADMIN], {"op": "password.reset", "rid": 91, "user": 6})
    add(staff, {"op": "member.add", "rid": 62, "round": 2, "user": 5})
    add([MANAGER], {"op": "member.add", "rid": 63, "round": 1, "user": 5})
    add([MANAGER], {"op": "member.add", "rid": 64, "round": 2, "user": 3})
    add([MANAGER], {"op": "member.revoke", "rid": 65, "round": 2, "user": 4})
    add([MANAGER, EMPLOYEE], {"op": "round.members", "rid": 66, "round": 2})
    add(everyone, {"op": "search", "rid": 67, "q": "timeline customer"})
    add([MEMBER, OUTSIDER], {"op": "search", "rid": 68, "q": "hidden OR secret*", "round": 2,
                             "limit": 50})
    add([EMPLOYEE], {"op": "search", "rid": 69, "q": "\"NEAR(a b)\" ^title: -x"})
    add([EMPLOYEE, MEMBER], {"op": "post.similar", "rid": 70, "q": "status page", "round": 2})
    add([MANAGER, EMPLOYEE], {"op": "round.insights", "rid": 71, "round": 1})
    add([MEMBER], {"op": "round.insights", "rid": 72, "round": 2})
    add([MANAGER], {"op": "need.create", "rid": 73, "round": 1, "title": "Known customers",
                    "description": "*One* timeline"})
    add([MANAGER, MEMBER], {"op": "need.link", "rid": 74, "need": 1, "post": 7})
    add([MANAGER], {"op": "need.link", "rid": 75, "need": 1, "priority": 1, "post": 3})
    add([MANAGER], {"op": "need.link", "rid": 81, "need": 1, "post": 3})
    add([MANAGER], {"op": "need.unlink", "rid": 76, "need": 1, "priority": 2})
    add([MANAGER], {"op": "need.update", "rid": 77, "need": 1, "title": ""})
    add([MANAGER], {"op": "need.delete", "rid": 78, "need": 1})
    add(everyone, {"op": "my.ideas", "rid": 79})
    add([MANAGER, MEMBER], {"op": "orgs.list", "rid": 80})
    add(everyone, {"op": "user.settings", "rid": 85, "lang": "nb",
                   "display_name": "  Kari Nordmann  "})
    add([EMPLOYEE, MEMBER], {"op": "user.settings", "rid": 86, "lang": None})
    add([EMPLOYEE], {"op": "user.settings", "rid": 87, "lang": "nb-NO", "display_name": "X"})
    add([MEMBER], {"op": "user.settings", "rid": 88, "display_name": "a\u0085b\nc"})
    add([OUTSIDER], {"op": "user.settings", "rid": 89, "display_name": "\u00f8" * 81,
                     "lang": "da"})
    # Broken envelopes.
    add([EMPLOYEE], "")
    add([EMPLOYEE], "{")
    add([EMPLOYEE], "[]")
    add([EMPLOYEE], "[{\"op\":\"hello\"}]")
    add([EMPLOYEE], "\"hello\"")
    add([EMPLOYEE], "null")
    add([EMPLOYEE], {"op": "nope", "rid": 73})
    add([EMPLOYEE], {"op": "\u00e9" * 40, "rid": 74})
    add([EMPLOYEE], {"rid": 75})
    add([EMPLOYEE], {"op": 5, "rid": 76})
    add([EMPLOYEE], {"op": "hello", "rid": "seven"})
    add([EMPLOYEE], {"op": "hello", "rid": 1.5})
    add([EMPLOYEE], {"op": "hello", "rid": -9007199254740993})
    add([EMPLOYEE], "{\"op\":\"hello\",\"rid\":1e308}")
    add([EMPLOYEE], "{\"op\":\"post.get\",\"post\":1e400,\"rid\":77}")
    add([EMPLOYEE], "{\"op\":\"post.get\",\"post\":2,\"post\":3,\"rid\":78}")
    add([EMPLOYEE], "{\"op\":\"chat.send\",\"round\":1,\"body\":\"a\\u0000b\",\"rid\":79}")
    add([EMPLOYEE], "{\"op\":\"chat.send\",\"round\":1,\"body\":\"\\ud83d\\ude00 \\ud800\",\"rid\":80}")
    add([EMPLOYEE], {"op": "chat.send", "rid": 81, "round": 1, "body": "x" * 1001})
    add([EMPLOYEE], {"op": "post.get", "rid": 82, "post": -1})
    add([EMPLOYEE], {"op": "post.get", "rid": 83, "post": "2"})
    add([EMPLOYEE], {"op": "post.get", "rid": 84, "post": 9007199254740993})
    return s


def markdown_seeds():
    return [x.encode() if isinstance(x, str) else x for x in [
        "# Title\n\nSome *em* and **strong** and `code`.\n",
        "1. one\n2. two\n   - nested\n   - list\n\n> quote\n> > deeper\n",
        "```js\nalert(1)\n```\n\n    indented code\n",
        "```\" onmouseover=\"alert(1)\nx\n```\n",
        "[a link](https://example.com \"a title\") and <https://example.com/auto>\n",
        "[x](javascript:alert(1))\n",
        "[x](JaVaScRiPt:alert(document.cookie))\n",
        "[x](  javascript:alert(1)  )\n",
        "[x](<java script:alert(1)>)\n",
        "[x](java&#09;script:alert(1))\n",
        "[x](&#106;avascript:alert(1))\n",
        "[x](vbscript:msgbox(1)) [y](file:///etc/passwd) [z](data:text/html,<script>alert(1)</script>)\n",
        "![img](data:image/png;base64,iVBORw0KGgo=) ![svg](data:image/svg+xml;base64,PHN2Zz4=)\n",
        "<javascript:alert(1)>\n",
        "[ref]\n\n[ref]: javascript:alert(1) \"t\"\n",
        "<script>alert(1)</script>\n",
        "<img src=x onerror=alert(1)>\n",
        "<svg onload=alert(1)>\n",
        "<iframe src=\"javascript:alert(1)\"></iframe>\n",
        "text <b onmouseover=alert(1)>bold</b> <!-- comment --> <?php ?> <![CDATA[x]]>\n",
        "<div>\n*markdown inside*\n</div>\n",
        "<a href=\"javascript:alert(1)\">click</a>\n",
        "![\" onerror=\"alert(1)](x.png \"\\\" onload=\\\"alert(1)\")\n",
        "[<img src=x onerror=alert(1)>](http://x)\n",
        "&lt;script&gt; &#60;script&#62; &#x3C;svg&#x3E; &amp;amp; &copy; &#0; &#xFFFFFF;\n",
        "Setext\n======\n\nSub\n---\n\n***\n\nhard  \nbreak\\\nend\n",
        "*a **b *c **d** c* b** a*\n",
        "[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]\n",
        ">" * 200 + " deep\n",
        "- " * 100 + "deep list\n",
        "*" * 300 + "\n",
        "\\<script\\> \\[x\\](javascript:y)\n",
        "\u202e right-to-left \u200b zero width \ufeff bom \U0001F600\n",
        b"invalid \xff\xfe utf-8 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80\n",
        "line\r\nwindows\rmac\n\x0b\x0c\n",
        "| a | b |\n|---|---|\n| <script> | [x](javascript:1) |\n",
        "~~~ onload=x\n~~~\n",
        "1) x\n2000000000. big start\n",
        "<http://a.b/c?d=<script>>\n",
        "[x]: <javascript:alert(1)>\n[x]\n",
        "<style>body{}</style><object data=x></object><embed src=x><math><mi>x</mi></math>\n",
    ]]


def tokenizer_seeds():
    DOCUMENT, AUX, QUERY, PREFIX = range(4)
    texts = [
        "Kundene våre vil ha bedre leverandører",
        "Leverantören svarar sent; kunderna väntar",
        "Leverandøren leverer, kundens ønsker",
        "Customers want one customer portal",
        "får far här har før for sær ser ÆRLIG Øl Åse",
        "Idé CAFÉ Ğüzel Łódź ÑANDÚ Œuvre ΑΘΗΝΑ STRAẞE Ｆｕｌｌ",
        "fa\u030ar o\u0308l ide\u0301 \u030a",
        "kaffe\U0001F642kopp \u2615 #tag 50% \u00abs\u00bb 2027 b2b 3,5",
        "a" * 300,
        "\u00e5" * 200,
        "",
    ]
    s = []
    for mode in (DOCUMENT, AUX, QUERY, PREFIX):
        for t in texts:
            s.append(bytes([mode]) + t.encode())
    for b in (b"\xc3", b"kunde\xff" + b"ne", b"\xf0\x9f\x98", b"\xed\xa0\x80 x",
              b"\xc0\xaf\xf4\x90\x80\x80", b"a\xcc", b"x\x00y"):
        s.append(bytes([DOCUMENT]) + b)
    return s


def search_words_seeds():
    # Byte 0: bit 0 every word (search) or any (post.similar); byte 1 the
    # query's length; then the query, then the row: title, newline, body.
    rows = [
        ("Kundene våre", "Vi har snakket lenge om dette. Maten i kantinen er dyr og kald, "
         "og mange spiser ute. Kundene merker det også: de som kommer på besøk "
         "får ikke noe varmt. Vi foreslår en ny leverandør fra neste år."),
        ("Customers first", "One customer portal: a single place to sign in."),
        ("Leverantören svarar sent", "Det tar veckor. Kunderna väntar."),
        ("Bedre kaffe \u2615\U0001F642!!!", "kaffe\U0001F642kopp \u2014 \u00absitat\u00bb 2027 b2b"),
        ("fa\u030ar", "o\u0308l ide\u0301 \u030a caf\u00e9"),
        ("Kantine", ""),
    ]
    queries = ["kunder", "kunder leverandør", "customers first", "kaffe\U0001F642kopp",
               "får", "kund", "ide", "2027 b2b", "leverantörer svarar", "\U0001F642 kaffe"]
    s = []
    for i, (title, body) in enumerate(rows):
        for k, q in enumerate(queries):
            if (i + k) % 2:
                continue
            qb = q.encode()
            s.append(bytes([k % 2, len(qb)]) + qb + title.encode() + b"\n" + body.encode())
    s.append(bytes([1, 5]) + b"kunde" + b"kunde\xffne\n\xc3 kundene \xf0\x9f\x98")
    s.append(bytes([0, 3]) + b"aaa" + b"a" * 300 + b"\n" + ("\u00e5" * 200).encode())
    return s


def http_seeds():
    t = TOKENS
    LOGIN, ACCEPT, TOKEN = 0, 1, 2
    s = []

    def add(kind, body):
        if not isinstance(body, bytes):
            body = body.encode() if isinstance(body, str) else json.dumps(
                body, ensure_ascii=False, separators=(",", ":")).encode()
        s.append(bytes([kind]) + body)

    add(LOGIN, {"username": "ada", "password": "correct horse battery"})
    add(LOGIN, {"username": "ADA", "password": "x"})
    add(LOGIN, {"username": "nobody", "password": "wrongwrong"})
    add(LOGIN, {"username": "a_a", "password": "wildcard?"})
    add(LOGIN, {"username": "%", "password": "like?"})
    add(LOGIN, {"username": "x" * 100, "password": "long"})
    add(LOGIN, {"username": "ada\u0000evil", "password": "nul"})
    add(LOGIN, {"username": "\u00c9ve", "password": "unicode"})
    add(LOGIN, {"username": t["session_ada"], "password": t["session_ada"]})
    add(LOGIN, {"username": 5, "password": "x"})
    add(LOGIN, {"username": "ada"})
    add(LOGIN, "")
    add(LOGIN, "{")
    add(LOGIN, "[\"ada\",\"pw\"]")
    add(LOGIN, "{\"username\":\"ada\",\"username\":\"max\",\"password\":\"p\"}")
    good = {"token": t["invite_customer"], "username": "newcustomer",
            "password": "a long password", "display_name": "New Customer", "org": "Nordbank"}
    add(ACCEPT, good)
    add(ACCEPT, dict(good, token=t["invite_employee"], username="new.employee-1",
                     org=None))
    add(ACCEPT, dict(good, token=t["invite_used"]))
    add(ACCEPT, dict(good, token=t["invite_expired"]))
    add(ACCEPT, dict(good, token="A" * 43))
    add(ACCEPT, dict(good, token=t["invite_customer"][:-1]))
    add(ACCEPT, dict(good, username="Ada"))
    add(ACCEPT, dict(good, username="-leading"))
    add(ACCEPT, dict(good, username="a" * 33))
    add(ACCEPT, dict(good, username="a" * 32))
    add(ACCEPT, dict(good, username="bad name"))
    add(ACCEPT, dict(good, username="\u00e9l\u00e8ve"))
    add(ACCEPT, dict(good, display_name="   "))
    add(ACCEPT, dict(good, display_name="  \u00c9 " + "\u00e9" * 79 + "  "))
    add(ACCEPT, dict(good, display_name="\u00e9" * 81))
    add(ACCEPT, dict(good, display_name="<script>alert(1)</script>"))
    add(ACCEPT, dict(good, org="o" * 81))
    add(ACCEPT, dict(good, password="short"))
    add(ACCEPT, dict(good, password="\U0001F600" * 8))
    add(ACCEPT, dict(good, org=5))
    add(ACCEPT, {"token": t["invite_customer"], "username": "x"})
    add(ACCEPT, ("{\"token\":\"%s\",\"username\":\"nul\\u0000ok\",\"password\":\"12345678\","
                 "\"display_name\":\"a\\u0000\",\"org\":\"\"}" % t["invite_employee"]))
    add(ACCEPT, b"{\"token\":\"" + t["invite_employee"].encode() +
        b"\",\"username\":\"bytes\",\"password\":\"12345678\",\"display_name\":\"\xff\xfe\"}")
    for k in ("session_ada", "session_revoked", "session_disabled", "invite_customer",
              "invite_used"):
        add(TOKEN, t[k])
    add(TOKEN, t["session_ada"] + "=")
    add(TOKEN, t["session_ada"][:-1] + "+")
    add(TOKEN, "")
    add(TOKEN, "A" * 43)
    add(TOKEN, "A" * 200)
    add(TOKEN, "Bearer " + t["session_ada"])
    add(TOKEN, b"\xff" * 43)
    # The first byte / 3 says what happens around a body (fuzz_http_body.c):
    # 1 locked out first, 2 the password queue full, 4 the check matches,
    # 8 the check fails.
    LOCKED, BUSY, MATCH, FAILS = 1, 2, 4, 8
    for flags in (LOCKED, BUSY, MATCH, FAILS):
        add(LOGIN + 3 * flags, {"username": "Ada", "password": "correct horse battery"})
        add(LOGIN + 3 * flags, {"username": "nobody", "password": "wrongwrong"})
    add(LOGIN + 3 * MATCH, {"username": "dora", "password": "disabled account"})
    for flags in (BUSY, FAILS):
        add(ACCEPT + 3 * flags, good)
    return s


def write(name, seeds):
    d = os.path.join(CORPUS, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    for data in seeds:
        h = hashlib.sha1(data).hexdigest()
        with open(os.path.join(d, h), "wb") as f:
            f.write(data)
    print(f"{name}: {len(seeds)} seeds")


if __name__ == "__main__":
    write("fuzz_dispatch", dispatch_seeds())
    write("fuzz_markdown", markdown_seeds())
    write("fuzz_http_body", http_seeds())
    write("fuzz_tokenizer", tokenizer_seeds())
    write("fuzz_search_words", search_words_seeds())
