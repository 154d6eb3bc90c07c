#!/usr/bin/env python3
"""A stock WebSocket client against the real server.

Debian's python3-websockets connects to openstrat the way any third-party
client would: refused without a session (401) and from a foreign Origin
(403), where the library must be able to read the refusal and report its
HTTP status; and, after POST /api/login, accepted with the session cookie,
when the hello request gets its reply.

The script starts the binary itself ($OPENSTRAT_BIN; --web $OPENSTRAT_WEB
when set) on 127.0.0.1 --port 0 in a temporary directory, and stops it with
SIGTERM, which must end it with status 0. Exit status: 0 passed, 1 failed,
77 skipped (python3-websockets is not installed).
"""

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.request

SKIP = 77
PASSWORD = "correct-horse-battery"

try:
    import websockets
    import websockets.exceptions
except ImportError:
    print("python3-websockets is not installed: skipped")
    sys.exit(SKIP)

# The keyword for extra request headers was renamed in websockets 14.
HEADERS_KW = ("additional_headers"
              if int(websockets.__version__.split(".")[0]) >= 14
              else "extra_headers")


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


class Server:
    """openstrat init, user add, serve on --port 0; stop() with SIGTERM."""

    def __init__(self):
        self.bin = os.environ.get("OPENSTRAT_BIN")
        if not self.bin:
            raise Failure("OPENSTRAT_BIN is not set")
        self.dir = tempfile.mkdtemp(prefix="osws-")
        self.db = os.path.join(self.dir, "os.db")
        self.log_path = os.path.join(self.dir, "server.log")
        self.proc = None
        self.port = None

    def cli(self, *args, env=None):
        full = dict(os.environ)
        full.pop("OPENSTRAT_PASSWORD", None)
        full.update(env or {})
        r = subprocess.run([self.bin, *args], env=full, capture_output=True,
                           text=True, timeout=60)
        check(r.returncode == 0, "openstrat %s: exit %d: %s"
              % (" ".join(args), r.returncode, r.stderr.strip()))

    def start(self):
        self.cli("init", "--db", self.db)
        self.cli("user", "add", "--db", self.db, "--username", "anna",
                 "--role", "employee", env={"OPENSTRAT_PASSWORD": PASSWORD})
        args = [self.bin, "serve", "--db", self.db, "--listen", "127.0.0.1",
                "--port", "0"]
        if os.environ.get("OPENSTRAT_WEB"):
            args += ["--web", os.environ["OPENSTRAT_WEB"]]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                         stderr=log, stdin=subprocess.DEVNULL)
        line = []
        reader = threading.Thread(
            target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(20)
        text = line[0].decode(errors="replace").strip() if line else ""
        m = re.fullmatch(r"openstrat: listening on http://127\.0\.0\.1:(\d+)", text)
        check(m, "serve printed %r, not its listening line" % text)
        self.port = int(m.group(1))

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def cleanup(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def login(port):
    """POST /api/login; the os_session cookie the server set."""
    req = urllib.request.Request(
        "http://127.0.0.1:%d/api/login" % port, method="POST",
        data=json.dumps({"username": "anna", "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        check(resp.status == 200, "login: HTTP %d" % resp.status)
        for value in resp.headers.get_all("Set-Cookie") or []:
            m = re.match(r"\s*os_session=([^;]+)", value)
            if m:
                return "os_session=" + m.group(1)
    raise Failure("login set no os_session cookie")


def refused_status(exc):
    """The HTTP status the library reports for a refused handshake."""
    if hasattr(exc, "status_code"):        # InvalidStatusCode (websockets < 14)
        return exc.status_code
    response = getattr(exc, "response", None)  # InvalidStatus
    return getattr(response, "status_code", None)


async def expect_refused(port, want, what, **kw):
    try:
        async with websockets.connect("ws://127.0.0.1:%d/ws" % port,
                                      subprotocols=["openstrat.v1"],
                                      open_timeout=10, **kw):
            pass
    except websockets.exceptions.InvalidHandshake as exc:
        kinds = tuple(getattr(websockets.exceptions, name)
                      for name in ("InvalidStatusCode", "InvalidStatus")
                      if hasattr(websockets.exceptions, name))
        check(isinstance(exc, kinds),
              "%s: the library reports %s: %s, not the HTTP status %d"
              % (what, type(exc).__name__, exc, want))
        check(refused_status(exc) == want, "%s: HTTP %s (want %d)"
              % (what, refused_status(exc), want))
        print("ok: %s: %s" % (what, exc))
        return
    raise Failure("%s: the upgrade was accepted" % what)


async def expect_hello(port, cookie):
    async with websockets.connect("ws://127.0.0.1:%d/ws" % port,
                                  subprotocols=["openstrat.v1"],
                                  open_timeout=10,
                                  **{HEADERS_KW: {"Cookie": cookie}}) as ws:
        check(ws.subprotocol == "openstrat.v1",
              "subprotocol %r (want openstrat.v1)" % ws.subprotocol)
        await ws.send(json.dumps({"op": "hello", "rid": 1}))
        while True:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if isinstance(msg, dict) and msg.get("rid") == 1:
                break
        check(msg.get("ok") is True, "hello: %s" % msg)
        check(msg.get("user", {}).get("username") == "anna", "hello user: %s" % msg)
        check(msg.get("server", {}).get("protocol") == "openstrat.v1",
              "hello server: %s" % msg)
        print("ok: hello with the session cookie: %s" % msg)


async def scenarios(port):
    await expect_refused(port, 401, "no session")
    cookie = login(port)
    await expect_refused(port, 403, "foreign Origin", origin="https://evil.example",
                         **{HEADERS_KW: {"Cookie": cookie}})
    await expect_hello(port, cookie)


def main():
    print("websockets %s" % websockets.__version__)
    srv = Server()
    try:
        srv.start()
        asyncio.run(scenarios(srv.port))
        status = srv.stop()
        check(status == 0, "server exit status after SIGTERM: %s (want 0)" % status)
    except Exception as exc:  # pylint: disable=broad-except
        srv.stop()
        print("FAIL: %s: %s" % (type(exc).__name__, exc))
        print("--- server log ---\n%s--- end ---" % srv.log())
        return 1
    finally:
        srv.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
