"""End-to-end fixtures: a real `quiver serve` on a free loopback port with its own embedded
PostgreSQL in a temp directory, and real clients (redis-cli from redis-tools, redis-py)."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def quiver_binary():
    env = os.environ.get("QUIVER_BIN")
    if env:
        return env
    # The newest build of this checkout (an older one may predate `serve`).
    candidates = [os.path.join(REPO, c) for c in (".build/release/quiver", ".build/debug/quiver", ".build-srv/debug/quiver")]
    candidates = [c for c in candidates if os.access(c, os.X_OK)]
    if candidates:
        return max(candidates, key=os.path.getmtime)
    pytest.exit("no quiver binary: build it (make release) or set QUIVER_BIN", returncode=2)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_ping(port, proc, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"quiver serve exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("quiver serve did not answer PING")


class Daemon:
    """One `quiver serve` process; `restart()` starts it again on the same port and data."""

    def __init__(self, data_dir, extra=()):
        self.binary = quiver_binary()
        self.data_dir = data_dir
        self.port = free_port()
        self.extra = list(extra)
        self.log_path = os.path.join(data_dir, f"serve-{self.port}.log")
        self.proc = None
        self.start()

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--data-dir", self.data_dir, *self.extra],
            stdout=log, stderr=log, env={k: v for k, v in os.environ.items() if not k.startswith("QUIVER_")})
        wait_for_ping(self.port, self.proc)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return None
        return self.proc.returncode if self.proc else None

    def cli(self, *args, check=True):
        """Runs the quiver CLI against the same data directory."""
        r = subprocess.run([self.binary, *args, "--data-dir", self.data_dir], capture_output=True, text=True, timeout=120)
        if check and r.returncode != 0:
            raise AssertionError(f"quiver {' '.join(args)} failed: {r.stderr}")
        return r

    def redis_cli(self, *args, input=None, resp3=False):
        cmd = ["redis-cli", "-p", str(self.port)] + (["-3"] if resp3 else []) + list(args)
        return subprocess.run(cmd, capture_output=True, text=True, input=input, timeout=60)


@pytest.fixture(scope="session")
def data_dir():
    d = tempfile.mkdtemp(prefix="quiver-e2e-")
    os.chmod(d, 0o755)  # as root, PostgreSQL runs as another user that must traverse it
    yield d
    subprocess.run([quiver_binary(), "db", "stop", "--data-dir", d], capture_output=True)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def daemon(data_dir):
    if shutil.which("redis-cli") is None:
        pytest.exit("redis-cli is missing: scripts/install-deps.sh --test installs redis-tools", returncode=2)
    d = Daemon(data_dir)
    yield d
    d.terminate()


@pytest.fixture(scope="session")
def auth_daemon(daemon, data_dir):
    d = Daemon(data_dir, ["--requirepass", "open sesame"])
    yield d
    d.terminate()


@pytest.fixture
def graph(request):
    return "e2e-" + request.node.name.replace("[", "-").replace("]", "")[:60] + "-" + str(os.getpid())
