"""Throwaway pieces of an openstrat cluster, for the multi-node tests.

Everything comes from Debian packages and runs on 127.0.0.1 on free ports,
in temporary folders that are removed at the end (OSX_KEEP=1 keeps them):

- Postgres: initdb into a temporary folder as an unprivileged user (the
  `postgres` account, or `nobody`, when we are root), pg_ctl start/stop/
  restart on the same port, psql for checks.
- Nats: nats-server, stop and start again on the same port.
- Haproxy: contrib/cluster/haproxy.cfg.in filled in, in the foreground,
  with its stats socket for the servers' states.
- Node: `openstrat serve --port 0`, reading the port from the one line
  "openstrat: listening on http://127.0.0.1:PORT" (docs/PROTOCOL.md).
- Client: an openstrat.v1 WebSocket client (python3-websockets) with
  replies matched by rid and pushed events in a queue.

No mocks: each piece is the real program. Errors raise HarnessError with
the reason and the tail of the program's log.
"""

import asyncio
import glob
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
HAPROXY_TEMPLATE = os.path.join(SOURCE, "contrib", "cluster", "haproxy.cfg.in")
KEEP = bool(os.environ.get("OSX_KEEP"))


class HarnessError(Exception):
    pass


class Skip(Exception):
    """A prerequisite is missing; the message says which."""


def free_port():
    """A port nobody listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port, timeout=0.2):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(pred, timeout, what, step=0.05):
    """Polls pred() until it is truthy; its value, or HarnessError."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise HarnessError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(step)


def tail(path, n=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def _rmtree(path):
    if path and not KEEP:
        shutil.rmtree(path, ignore_errors=True)


def _stop_proc(proc, timeout=15):
    """SIGTERM, wait, SIGKILL; the exit status (negative: the signal)."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


# ---------------------------------------------------------------------------
# PostgreSQL


def pg_bindir():
    """The newest installed PostgreSQL's bin folder, or None."""
    env = os.environ.get("OS_PG_BINDIR")
    if env:
        return env if os.path.exists(os.path.join(env, "initdb")) else None
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    found.sort(key=lambda p: int(re.search(r"/(\d+)/bin/", p).group(1)))
    return os.path.dirname(found[-1])


class Postgres:
    """A throwaway PostgreSQL cluster: initdb, start, stop, restart."""

    def __init__(self, user="openstrat", database="openstrat"):
        self.bindir = pg_bindir()
        if not self.bindir:
            raise Skip("PostgreSQL is not installed (Debian postgresql-15: "
                       "contrib/setup.sh --test)")
        self.user = user
        self.database = database
        self.port = None
        self.dir = None
        self.run_as = None
        if os.geteuid() == 0:
            # initdb refuses root: the server runs as an unprivileged user.
            for name in ("postgres", "nobody"):
                try:
                    self.run_as = pwd.getpwnam(name)
                    break
                except KeyError:
                    pass
            if not self.run_as:
                raise Skip("running as root and no unprivileged user "
                           "(postgres, nobody) to run PostgreSQL as")

    @property
    def data(self):
        return os.path.join(self.dir, "data")

    @property
    def log_path(self):
        return os.path.join(self.dir, "postgres.log")

    @property
    def url(self):
        return "postgresql://%s@127.0.0.1:%d/%s" % (self.user, self.port, self.database)

    def _run(self, args, timeout=60, check=True):
        cmd = [os.path.join(self.bindir, args[0])] + list(args[1:])
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as.pw_name, "--"] + cmd
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL, cwd="/")
        if check and r.returncode != 0:
            raise HarnessError("%s: exit %d: %s%s\n--- postgres.log ---\n%s"
                               % (args[0], r.returncode, r.stdout, r.stderr,
                                  tail(self.log_path)))
        return r

    def init(self):
        self.dir = tempfile.mkdtemp(prefix="ospg-")
        os.chmod(self.dir, 0o700)
        if self.run_as:
            os.chown(self.dir, self.run_as.pw_uid, self.run_as.pw_gid)
        self._run(["initdb", "-D", self.data, "-U", self.user, "--auth=trust",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"])
        return self

    def start(self, port=None):
        """Starts on port (a free one the first time); waits until it
        accepts connections. Tries other ports if a free one was taken."""
        for attempt in range(5):
            p = port or self.port or free_port()
            opts = ("-p %d -c listen_addresses=127.0.0.1 "
                    "-c unix_socket_directories='%s' -c max_connections=200"
                    % (p, self.dir))
            r = self._run(["pg_ctl", "-D", self.data, "-l", self.log_path,
                           "-o", opts, "-w", "-t", "60", "start"], check=False)
            if r.returncode == 0:
                self.port = p
                self.wait_ready()
                return self
            if port or self.port or attempt == 4:
                raise HarnessError("pg_ctl start on port %d: %s%s\n--- postgres.log ---\n%s"
                                   % (p, r.stdout, r.stderr, tail(self.log_path)))
        return self

    def wait_ready(self, timeout=30):
        wait_until(lambda: self._run(["pg_isready", "-h", "127.0.0.1", "-p", str(self.port),
                                      "-U", self.user, "-d", "postgres"],
                                     check=False).returncode == 0,
                   timeout, "PostgreSQL on port %s" % self.port, step=0.2)

    def create_database(self, name=None):
        name = name or self.database
        self.psql("CREATE DATABASE \"%s\"" % name, database="postgres")

    def psql(self, sql, database=None):
        """Runs sql with psql; its output, unaligned, tuples only."""
        r = self._run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                       "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
                       "-d", database or self.database, "-c", sql])
        return r.stdout

    def stop(self, mode="fast"):
        """pg_ctl stop: fast (clients cut, a clean shutdown) or immediate
        (as a crash: recovery from the WAL at the next start)."""
        if self.dir and os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._run(["pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop"],
                      check=False)

    def restart(self, mode="fast"):
        self.stop(mode)
        return self.start(self.port)

    def running(self):
        return self.port is not None and port_open(self.port)

    def cleanup(self):
        self.stop("immediate")
        _rmtree(self.dir)


# ---------------------------------------------------------------------------
# NATS


class Nats:
    """nats-server on a free port; stop and start again on the same one."""

    def __init__(self):
        self.bin = shutil.which("nats-server") or (
            "/usr/bin/nats-server" if os.path.exists("/usr/bin/nats-server") else None)
        if not self.bin:
            raise Skip("nats-server is not installed (Debian nats-server: "
                       "contrib/setup.sh --test)")
        self.dir = tempfile.mkdtemp(prefix="osnats-")
        self.port = None
        self.proc = None

    @property
    def url(self):
        return "nats://127.0.0.1:%d" % self.port

    @property
    def log_path(self):
        return os.path.join(self.dir, "nats.log")

    def start(self):
        for attempt in range(5):
            p = self.port or free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    [self.bin, "-a", "127.0.0.1", "-p", str(p)],
                    stdout=log, stderr=log, stdin=subprocess.DEVNULL)
            try:
                wait_until(lambda: self.proc.poll() is not None or self._info(p),
                           15, "nats-server on port %d" % p)
            except HarnessError:
                _stop_proc(self.proc)
                raise
            if self.proc.poll() is None:
                self.port = p
                return self
            if self.port or attempt == 4:
                raise HarnessError("nats-server on port %d exited %s:\n%s"
                                   % (p, self.proc.returncode, tail(self.log_path)))
        return self

    @staticmethod
    def _info(port):
        """True when a NATS server answers on port with its INFO line."""
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.settimeout(1)
                return s.recv(4096).startswith(b"INFO ")
        except OSError:
            return False

    def stop(self):
        status = _stop_proc(self.proc)
        self.proc = None
        return status

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def restart(self):
        self.stop()
        return self.start()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self):
        self.kill()
        _rmtree(self.dir)


# ---------------------------------------------------------------------------
# haproxy


def haproxy_config(listen, port, nodes, stats_socket, template=HAPROXY_TEMPLATE):
    """contrib/cluster/haproxy.cfg.in with its @NAMES@ filled in; nodes is
    three "host:port" strings."""
    if len(nodes) != 3:
        raise HarnessError("the haproxy template has three nodes, not %d" % len(nodes))
    with open(template) as f:
        text = f.read()
    subst = {"LISTEN": listen, "PORT": str(port), "STATS_SOCKET": stats_socket,
             "NODE1": nodes[0], "NODE2": nodes[1], "NODE3": nodes[2]}
    text = re.sub(r"@([A-Z0-9_]+)@", lambda m: subst[m.group(1)], text)
    return text


class Haproxy:
    """haproxy in the foreground with the cluster's configuration."""

    def __init__(self):
        self.bin = shutil.which("haproxy") or (
            "/usr/sbin/haproxy" if os.path.exists("/usr/sbin/haproxy") else None)
        if not self.bin:
            raise Skip("haproxy is not installed (Debian haproxy: contrib/setup.sh --test)")
        self.dir = tempfile.mkdtemp(prefix="oshap-")
        self.port = None
        self.proc = None

    @property
    def cfg(self):
        return os.path.join(self.dir, "haproxy.cfg")

    @property
    def sock(self):
        return os.path.join(self.dir, "stats.sock")

    @property
    def log_path(self):
        return os.path.join(self.dir, "haproxy.log")

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, node_ports):
        self.port = free_port()
        with open(self.cfg, "w") as f:
            f.write(haproxy_config("127.0.0.1", self.port,
                                   ["127.0.0.1:%d" % p for p in node_ports], self.sock))
        r = subprocess.run([self.bin, "-c", "-q", "-f", self.cfg],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise HarnessError("haproxy -c: %s%s" % (r.stdout, r.stderr))
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([self.bin, "-db", "-f", self.cfg],
                                         stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        wait_until(lambda: self.proc.poll() is not None or
                   (port_open(self.port) and os.path.exists(self.sock)),
                   15, "haproxy on port %d" % self.port)
        if self.proc.poll() is not None:
            raise HarnessError("haproxy exited %s:\n%s" % (self.proc.returncode,
                                                         tail(self.log_path)))
        return self

    def command(self, cmd):
        """A command on the stats socket; its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(self.sock)
            s.sendall(cmd.encode() + b"\n")
            out = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
        return out.decode(errors="replace")

    def states(self, backend="nodes"):
        """{server name: "UP" | "DOWN" | ...} of one backend."""
        out = self.command("show stat")
        lines = out.splitlines()
        if not lines or not lines[0].startswith("# "):
            raise HarnessError("haproxy show stat: %r" % out[:200])
        head = lines[0][2:].split(",")
        res = {}
        for line in lines[1:]:
            row = dict(zip(head, line.split(",")))
            if row.get("pxname") == backend and row.get("svname") not in ("BACKEND", "FRONTEND"):
                res[row["svname"]] = row.get("status", "")
        return res

    def wait_states(self, want, backend="nodes", timeout=20):
        """Waits until each named server's state starts with want[name]."""
        def ok():
            st = self.states(backend)
            return all(st.get(k, "").startswith(v) for k, v in want.items())
        try:
            wait_until(ok, timeout, "haproxy %s states %s" % (backend, want), step=0.1)
        except HarnessError as exc:
            raise HarnessError("%s; they are %s" % (exc, self.states(backend))) from None

    def stop(self):
        status = _stop_proc(self.proc)
        self.proc = None
        return status

    def cleanup(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        _rmtree(self.dir)


# ---------------------------------------------------------------------------
# openstrat


def openstrat_bin():
    b = os.environ.get("OPENSTRAT_BIN")
    if not b:
        raise HarnessError("OPENSTRAT_BIN is not set")
    return b


def cli(*args, env=None, timeout=120, check=True):
    """Runs openstrat ARGS; the CompletedProcess. OPENSTRAT_PASSWORD is
    never inherited."""
    full = dict(os.environ)
    full.pop("OPENSTRAT_PASSWORD", None)
    full.update(env or {})
    r = subprocess.run([openstrat_bin(), *args], env=full, capture_output=True,
                       text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and r.returncode != 0:
        raise HarnessError("openstrat %s: exit %d: %s" % (" ".join(args), r.returncode,
                                                         r.stderr.strip()))
    return r


def cluster_support(postgresql=True):
    """None when the binary takes --db postgresql://... and serve --nats,
    else why not. Read from the usage texts of serve, init, backup and
    check: the options as they name them."""
    texts = {}
    for cmd in ("serve", "init", "backup", "check"):
        r = cli(cmd, "--help", check=False)
        texts[cmd] = r.stdout + r.stderr
    serve_text = texts["serve"]
    missing = []
    if postgresql and "postgresql" not in "".join(texts.values()).lower():
        missing.append("--db postgresql://... (its usage names no PostgreSQL URL)")
    if "--nats" not in serve_text:
        missing.append("serve --nats URL")
    if missing:
        return "this openstrat does not take " + " nor ".join(missing)
    return None


class Node:
    """`openstrat serve` on --port 0 with the given --db and extra args."""

    LISTEN = re.compile(r"openstrat: listening on http://127\.0\.0\.1:(\d+)")

    def __init__(self, name, db, extra=()):
        self.name = name
        self.db = db
        self.extra = list(extra)
        self.dir = tempfile.mkdtemp(prefix="osnode-%s-" % name)
        self.proc = None
        self.port = None

    @property
    def log_path(self):
        return os.path.join(self.dir, "server.log")

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, port=0):
        args = [openstrat_bin(), "serve", "--db", self.db, "--listen", "127.0.0.1",
                "--port", str(port)]
        if os.environ.get("OPENSTRAT_WEB"):
            args += ["--web", os.environ["OPENSTRAT_WEB"]]
        args += self.extra
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log,
                                         stdin=subprocess.DEVNULL)
        got = []
        reader = threading.Thread(target=lambda: got.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(30)
        text = got[0].decode(errors="replace").strip() if got else ""
        m = self.LISTEN.fullmatch(text)
        if not m:
            self.kill()
            raise HarnessError("node %s printed %r, not its listening line:\n%s"
                               % (self.name, text, tail(self.log_path)))
        self.port = int(m.group(1))
        return self

    def stop(self):
        status = _stop_proc(self.proc)
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None
        return status

    def kill(self):
        """SIGKILL: a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def healthz(self):
        """(status, body) of GET /healthz; (None, reason) when unreachable."""
        return http_get(self.base_url + "/healthz")

    def log(self):
        return tail(self.log_path, 200)

    def cleanup(self):
        self.kill()
        _rmtree(self.dir)


def http_get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, OSError) as e:
        return None, str(e)


def login(base_url, username, password):
    """POST /api/login; the session token."""
    req = urllib.request.Request(
        base_url + "/api/login", method="POST",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())["token"]
    except urllib.error.HTTPError as e:
        raise HarnessError("login %s at %s: HTTP %d %s" % (username, base_url, e.code,
                                                          e.read()[:200])) from None


# ---------------------------------------------------------------------------
# The WebSocket client


class Closed(Exception):
    """The connection went away (a node died): reconnect."""


class Client:
    """One openstrat.v1 connection. request() sends and awaits the reply
    with the same rid; events() are queued in arrival order. Batched
    frames (JSON arrays) are split, as the contract requires."""

    def __init__(self, name, token):
        self.name = name
        self.token = token
        self.ws = None
        self.rid = 0
        self.pending = {}
        self.events = asyncio.Queue()
        self.reader = None
        self.closed = None   # set to the reason once the socket is gone
        self.url = None

    async def connect(self, base_url, timeout=10):
        import websockets
        kw = {("additional_headers" if int(websockets.__version__.split(".")[0]) >= 14
               else "extra_headers"): {"Authorization": "Bearer " + self.token}}
        self.url = base_url
        self.ws = await websockets.connect(base_url.replace("http://", "ws://") + "/ws",
                                           subprotocols=["openstrat.v1"],
                                           open_timeout=timeout, max_size=None,
                                           ping_interval=None, **kw)
        self.closed = None
        self.reader = asyncio.ensure_future(self._read())
        return self

    async def _read(self):
        try:
            async for frame in self.ws:
                msg = json.loads(frame)
                for m in (msg if isinstance(msg, list) else [msg]):
                    if "rid" in m and m["rid"] in self.pending:
                        fut = self.pending.pop(m["rid"])
                        if not fut.done():
                            fut.set_result(m)
                    elif "ev" in m:
                        self.events.put_nowait(m)
        except Exception as exc:  # pylint: disable=broad-except
            self.closed = "%s: %s" % (type(exc).__name__, exc)
        else:
            self.closed = "closed"
        for fut in self.pending.values():
            if not fut.done():
                fut.set_exception(Closed("%s: %s" % (self.name, self.closed)))
        self.pending.clear()

    async def request(self, op, timeout=15, **fields):
        """The reply (ok or not); Closed when the connection is gone."""
        if self.closed:
            raise Closed("%s: %s" % (self.name, self.closed))
        self.rid += 1
        rid = self.rid
        fut = asyncio.get_running_loop().create_future()
        self.pending[rid] = fut
        msg = dict(fields)
        msg["op"] = op
        msg["rid"] = rid
        try:
            await self.ws.send(json.dumps(msg))
        except Exception as exc:  # pylint: disable=broad-except
            self.pending.pop(rid, None)
            raise Closed("%s: send: %s" % (self.name, exc)) from None
        try:
            return await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            self.pending.pop(rid, None)
            raise HarnessError("%s: no reply to %s within %d s" % (self.name, op, timeout)) \
                from None

    async def ok(self, op, timeout=15, **fields):
        """request() that must succeed."""
        r = await self.request(op, timeout=timeout, **fields)
        if r.get("ok") is not True:
            raise HarnessError("%s: %s %s: %s" % (self.name, op, fields, r))
        return r

    async def next_event(self, pred, timeout=10, what="an event"):
        """The first queued event for which pred(ev) holds (others are
        dropped); HarnessError after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise HarnessError("%s: no %s within %d s" % (self.name, what, timeout))
            try:
                ev = await asyncio.wait_for(self.events.get(), left)
            except asyncio.TimeoutError:
                continue
            if pred(ev):
                return ev

    def drain(self):
        """Every event queued now, in order."""
        out = []
        while not self.events.empty():
            out.append(self.events.get_nowait())
        return out

    async def close(self):
        if self.ws:
            await self.ws.close()
        if self.reader:
            try:
                await asyncio.wait_for(self.reader, 5)
            except Exception:  # pylint: disable=broad-except
                pass
