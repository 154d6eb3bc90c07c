#!/usr/bin/env python3
"""The cluster tests' own pieces, against the real programs.

What the multi-node tests (test_cluster.py) and contrib/cluster/run.sh
stand on, checked on its own so that a failure there is not mistaken for
the server's:

- PostgreSQL: initdb as an unprivileged user into a temporary folder on a
  free port; a committed row survives a fast stop and a crash (immediate
  stop); while it is stopped nobody connects; it comes back on its port.
- nats-server: a subscriber gets a publisher's message; stopped, the port
  is closed; started again on the same port, it carries messages again.
- haproxy with contrib/cluster/haproxy.cfg.in in front of three small
  HTTP + WebSocket backends: round-robin without stickiness, WebSocket
  upgrades passed through, X-Forwarded-For appended last, /metrics never
  passed on however it is spelled, a node failing /healthz taken out (and
  its WebSockets closed) and put back, a "degraded" node taken out while
  others are fine and used when none is, a dead node's requests sent to
  another.

Exit status: 0 passed, 1 failed, 77 skipped (a package is missing).
"""

import asyncio
import http
import json
import os
import socket
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

try:
    import websockets
except ImportError:
    print("SKIP: python3-websockets is not installed (contrib/setup.sh --test)")
    sys.exit(h.SKIP)


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)
    print("ok: " + message)


# ---------------------------------------------------------------------------


def test_postgres():
    pg = h.Postgres()
    try:
        pg.init().start()
        pg.create_database()
        check(pg.port and h.port_open(pg.port), "PostgreSQL listens on 127.0.0.1:%d" % pg.port)
        if pg.run_as:
            owner = os.stat(os.path.join(pg.data, "PG_VERSION")).st_uid
            check(owner == pg.run_as.pw_uid,
                  "its data belongs to %s, not root" % pg.run_as.pw_name)
        pg.psql("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'one')")
        pg.stop("fast")
        check(not h.port_open(pg.port), "a fast stop closes the port")
        r = pg._run(["psql", "-X", "-h", "127.0.0.1", "-p", str(pg.port), "-U", pg.user,
                     "-d", pg.database, "-c", "SELECT 1"], check=False)
        check(r.returncode != 0, "no connection while it is stopped")
        port = pg.port
        pg.start()
        check(pg.port == port, "it starts again on the same port")
        check(pg.psql("SELECT v FROM t WHERE id = 1").strip() == "one",
              "the committed row is there after a fast stop")
        pg.psql("INSERT INTO t VALUES (2, 'two')")
        pg.restart("immediate")
        check(pg.psql("SELECT count(*) FROM t").strip() == "2",
              "both committed rows are there after a crash (immediate stop) and recovery")
        check("database system was interrupted" in h.tail(pg.log_path, 400) or
              "not properly shut down" in h.tail(pg.log_path, 400),
              "the restart after the immediate stop recovered from the WAL")
    finally:
        pg.cleanup()
    check(h.KEEP or not os.path.exists(pg.dir), "its folder is removed at the end")


# ---------------------------------------------------------------------------


def nats_roundtrip(port, subject, payload):
    """A subscriber and a publisher on their own connections, in the NATS
    text protocol; the payload the subscriber got."""
    def conn():
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        f = s.makefile("rb")
        info = f.readline()
        if not info.startswith(b"INFO "):
            raise Failure("nats: no INFO line: %r" % info)
        s.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\n')
        return s, f

    sub, subf = conn()
    pub, pubf = conn()
    try:
        sub.sendall(b"SUB %s 1\r\nPING\r\n" % subject.encode())
        while subf.readline().strip() != b"PONG":
            pass
        pub.sendall(b"PUB %s %d\r\n%s\r\nPING\r\n" % (subject.encode(), len(payload), payload))
        while pubf.readline().strip() != b"PONG":
            pass
        while True:
            line = subf.readline()
            if not line:
                raise Failure("nats: the subscriber's connection closed")
            if line.startswith(b"PING"):
                sub.sendall(b"PONG\r\n")
                continue
            if line.startswith(b"MSG "):
                n = int(line.split()[-1])
                body = subf.read(n + 2)[:n]
                return body
    finally:
        for s in (sub, pub):
            s.close()


def test_nats():
    nats = h.Nats()
    try:
        nats.start()
        check(nats.running(), "nats-server runs on 127.0.0.1:%d" % nats.port)
        got = nats_roundtrip(nats.port, "openstrat.test.round.1", b"hello")
        check(got == b"hello", "a subscriber gets what a publisher sent")
        port = nats.port
        nats.stop()
        check(not h.port_open(port), "stopped, its port is closed")
        nats.start()
        check(nats.port == port, "it starts again on the same port")
        got = nats_roundtrip(nats.port, "openstrat.test.round.2", b"again")
        check(got == b"again", "after the restart it carries messages again")
    finally:
        nats.cleanup()


# ---------------------------------------------------------------------------


class Backends:
    """Three HTTP + WebSocket servers in a thread of their own, standing in
    for openstrat nodes: GET /healthz answers what self.health says, other
    paths answer {"node", "xff"} (and "metrics" for /metrics, which must
    never arrive), /ws echoes each message with the node's name."""

    def __init__(self):
        self.health = {}
        self.seen = {}
        self.servers = {}
        self.ports = {}
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        for name in ("node1", "node2", "node3"):
            self.health[name] = (200, '{"ok": true}')
            self.seen[name] = []
            self.run(self._start(name))

    def run(self, coro, timeout=10):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self, name):
        def process_request(path, headers):
            self.seen[name].append(path)
            if path == "/ws" and headers.get("Upgrade", "").lower() == "websocket":
                return None
            if path == "/healthz":
                status, body = self.health[name]
            elif path == "/metrics":
                status, body = 200, "metrics"
            else:
                status, body = 200, json.dumps({
                    "node": name, "xff": headers.get_all("X-Forwarded-For")})
            return (http.HTTPStatus(status), [("Content-Type", "application/json")],
                    body.encode())

        async def echo(ws, path):  # pylint: disable=unused-argument
            try:
                async for msg in ws:
                    await ws.send(name + ":" + msg)
            except websockets.exceptions.ConnectionClosed:
                pass  # haproxy cut it (the node was taken out): expected

        srv = await websockets.serve(echo, "127.0.0.1", 0, process_request=process_request,
                                     subprotocols=["openstrat.v1"])
        self.servers[name] = srv
        self.ports[name] = srv.sockets[0].getsockname()[1]

    def kill(self, name):
        async def close():
            self.servers[name].close()
            await self.servers[name].wait_closed()
        self.run(close())

    def stop(self):
        for name in list(self.servers):
            try:
                self.kill(name)
            except Exception:  # pylint: disable=broad-except
                pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


async def ws_echo(base_url, text):
    async with websockets.connect(base_url.replace("http://", "ws://") + "/ws",
                                  subprotocols=["openstrat.v1"], open_timeout=10) as ws:
        await ws.send(text)
        return await asyncio.wait_for(ws.recv(), 10)


def test_haproxy():
    be = Backends()
    lb = None
    try:
        lb = h.Haproxy().start([be.ports["node1"], be.ports["node2"], be.ports["node3"]])
        lb.wait_states({"node1": "UP", "node2": "UP", "node3": "UP"})
        check(True, "haproxy on 127.0.0.1:%d sees three healthy nodes" % lb.port)

        nodes = [json.loads(get(lb.base_url + "/x")[1])["node"] for _ in range(6)]
        check(sorted(nodes) == ["node1", "node1", "node2", "node2", "node3", "node3"],
              "six requests go round-robin, two to each node: %s" % nodes)
        check(nodes[0:3] == nodes[3:6], "in turn, with no stickiness: %s" % nodes)

        xff = json.loads(get(lb.base_url + "/x", {"X-Forwarded-For": "203.0.113.9"})[1])["xff"]
        last = ",".join(xff).split(",")[-1].strip()
        check(last == "127.0.0.1" and "203.0.113.9" in ",".join(xff),
              "X-Forwarded-For keeps what the client sent and ends in its address: %s" % xff)

        before = sum(p == "/metrics" for s in be.seen.values() for p in s)
        for path in ("/metrics", "//metrics", "/%6detrics", "/a/../metrics", "/METRICS",
                     "/metrics?x=1"):
            status, _ = get(lb.base_url + path)
            check(status == 404, "%s through haproxy: 404" % path)
        after = sum(p == "/metrics" for s in be.seen.values() for p in s)
        check(before == after == 0, "no node ever got /metrics")

        answers = [asyncio.run(ws_echo(lb.base_url, "m%d" % i)) for i in range(3)]
        check(sorted(a.split(":")[0] for a in answers) == ["node1", "node2", "node3"],
              "three WebSocket upgrades pass through, one to each node: %s" % answers)

        # node2 fails its health check: out, and its open WebSockets closed.
        async def held_open():
            socks = []
            for _ in range(3):
                ws = await websockets.connect(lb.base_url.replace("http://", "ws://") + "/ws",
                                              subprotocols=["openstrat.v1"])
                await ws.send("who")
                socks.append((ws, (await ws.recv()).split(":")[0]))
            return socks

        async def scenario_down():
            socks = await held_open()
            on2 = [ws for ws, n in socks if n == "node2"]
            check(len(on2) == 1, "one held WebSocket is on node2")
            be.health["node2"] = (500, '{"ok": false}')
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: lb.wait_states({"node2": "DOWN", "node1": "UP", "node3": "UP"}))
            check(True, "node2 answering 500 on /healthz is taken out")
            try:
                await asyncio.wait_for(on2[0].recv(), 10)
                closed = False
            except websockets.exceptions.ConnectionClosed:
                closed = True
            except asyncio.TimeoutError:
                closed = False
            check(closed, "its open WebSocket is closed, so its client reconnects elsewhere")
            for ws, n in socks:
                if n != "node2":
                    await ws.send("still")
                    check((await ws.recv()).startswith(n + ":"),
                          "the WebSocket on %s stays open" % n)
                await ws.close()
        asyncio.run(scenario_down())
        nodes = {json.loads(get(lb.base_url + "/x")[1])["node"] for _ in range(6)}
        check(nodes == {"node1", "node3"}, "new requests skip node2: %s" % sorted(nodes))
        be.health["node2"] = (200, '{"ok": true}')
        lb.wait_states({"node2": "UP"})
        nodes = {json.loads(get(lb.base_url + "/x")[1])["node"] for _ in range(6)}
        check(nodes == {"node1", "node2", "node3"}, "healthy again, node2 is back in turn")

        # Degraded (no NATS): out while others are fine, used when none is.
        be.health["node3"] = (200, '{"ok": true, "degraded": "nats"}')
        lb.wait_states({"node3": "DOWN"})
        nodes = {json.loads(get(lb.base_url + "/x")[1])["node"] for _ in range(6)}
        check(nodes == {"node1", "node2"}, "a degraded node gets no new clients while "
              "others are fine: %s" % sorted(nodes))
        for n in ("node1", "node2"):
            be.health[n] = (503, '{"ok": false, "degraded": "nats"}')
        lb.wait_states({"node1": "DOWN", "node2": "DOWN", "node3": "DOWN"})
        lb.wait_states({"node1": "UP", "node2": "UP", "node3": "UP"}, backend="nodes_degraded")
        nodes = {json.loads(get(lb.base_url + "/x")[1])["node"] for _ in range(6)}
        check(nodes == {"node1", "node2", "node3"},
              "when every node is degraded, every node still serves: %s" % sorted(nodes))
        for n in ("node1", "node2", "node3"):
            be.health[n] = (200, '{"ok": true}')
        lb.wait_states({"node1": "UP", "node2": "UP", "node3": "UP"})

        # A node dies: before its health check notices, its requests are
        # redispatched to another node, not failed.
        be.kill("node1")
        results = [get(lb.base_url + "/x") for _ in range(6)]
        check(all(s == 200 for s, _ in results),
              "with node1 dead and not yet marked down, all six requests succeed")
        check({json.loads(b)["node"] for _, b in results} <= {"node2", "node3"},
              "and were served by node2 and node3")
        lb.wait_states({"node1": "DOWN"})
        check(True, "the health check then takes node1 out")

        status = lb.stop()
        check(status == 0 or status == -15 or status == 143,
              "haproxy stops on SIGTERM (status %s)" % status)
    finally:
        if lb:
            lb.cleanup()
        be.stop()


def main():
    failed = 0
    skipped = []
    for test in (test_postgres, test_nats, test_haproxy):
        print("== " + test.__name__)
        try:
            test()
        except h.Skip as exc:
            print("SKIP: %s" % exc)
            skipped.append(str(exc))
        except Exception as exc:  # pylint: disable=broad-except
            print("FAIL: %s: %s: %s" % (test.__name__, type(exc).__name__, exc))
            failed += 1
    if failed:
        return 1
    if skipped:
        print("SKIP: %s" % "; ".join(skipped))
        return h.SKIP
    return 0


if __name__ == "__main__":
    start = time.monotonic()
    rc = main()
    print("(%.1f s)" % (time.monotonic() - start))
    sys.exit(rc)
