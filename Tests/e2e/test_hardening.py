"""What a hostile client could do to `quiver serve`, tried with real clients (redis-py, redis-cli,
raw sockets): every command is bounded in time and size, abandoned work stops, and malformed input
gets an error the client can read."""
import socket
import subprocess
import time

import pytest
import redis

from conftest import Daemon, quiver_binary


def dense_tsv():
    """The dense graph of the hardening issue: K60, ten complete bipartite layers, a 100k-leaf hub."""
    lines = [f"k{a}\tedge\tk{b}" for a in range(60) for b in range(60) if a != b]
    lines += [f"l{i}_{a}\tnext\tl{i + 1}_{b}" for i in range(9) for a in range(20) for b in range(20)]
    lines += [f"hub\tspoke\tleaf{i}" for i in range(100_000)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def dense(daemon):
    name = "e2e-dense"
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
    r.execute_command("DROP", name) if name in str(r.execute_command("GRAPHS")) else None
    report = r.execute_command("LOAD", name, "FORMAT", "tsv", dense_tsv())
    assert report["new"] == 60 * 59 + 9 * 400 + 100_000
    yield name
    r.execute_command("DROP", name)


def resident_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def info_field(r, section, name):
    return r.info(section).get(name)


def test_an_unbounded_limit_is_cut_within_the_deadline(daemon, dense):
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True, socket_timeout=60)
    start = time.time()
    out = r.execute_command("PATHS", dense, "k0", "k1", "MODE", "simple", "LIMIT", "1000000000", "TIMEOUT", "3000")
    elapsed = time.time() - start
    assert elapsed < 10, elapsed
    assert out["truncated"] is True and out["reason"] in ("limit", "reply-size", "timeout")
    assert out["count"] <= 100_000
    assert resident_mib(daemon.proc.pid) < 4096


def test_the_row_and_byte_budgets_are_options_of_serve(daemon, dense, data_dir):
    small = Daemon(data_dir, ["--max-result-rows", "2000", "--max-reply-bytes", "100000", "--timeout-ms", "20000"])
    try:
        r = redis.Redis(port=small.port, protocol=3, decode_responses=True, socket_timeout=60)
        out = r.execute_command("PATHS", dense, "k0", "k1", "MODE", "simple", "LIMIT", "1000000000")
        assert out["truncated"] is True and out["reason"] == "reply-size" and out["count"] < 2000
        out = r.execute_command("NEIGHBORS", dense, "hub", "LIMIT", "1000000000")
        assert out["count"] <= 2000 and out["reason"] in ("limit", "reply-size")
        with pytest.raises(redis.ResponseError, match="larger than a reply may be"):
            r.execute_command("EXPORT", dense)
    finally:
        small.terminate()


def test_work_stops_when_its_client_disconnects(daemon, dense):
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
    s = socket.create_connection(("127.0.0.1", daemon.port))
    s.sendall(f"PPR {dense} hub ITERATIONS 1000000000\r\n".encode())
    deadline = time.time() + 10
    while info_field(r, "clients", "commands_running") != 1 and time.time() < deadline:
        time.sleep(0.05)
    assert info_field(r, "clients", "commands_running") == 1
    s.close()
    deadline = time.time() + 5
    while info_field(r, "clients", "commands_running") != 0 and time.time() < deadline:
        time.sleep(0.05)
    assert info_field(r, "clients", "commands_running") == 0


def test_ppr_and_phi_take_a_timeout(daemon, dense):
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
    with pytest.raises(redis.ResponseError, match="deadline"):
        r.execute_command("PPR", dense, "hub", "ITERATIONS", "1000000000", "TIMEOUT", "200")
    with pytest.raises(redis.ResponseError, match="nested|unrolls"):
        r.execute_command("PATHS", dense, "k0", "k1", "VIA", "((edge{1,16}){1,16}){1,16}")


def test_a_nul_flood_gets_the_protocol_error(daemon):
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=10) as s:
        s.sendall(b"\x00" * 200_000)
        got = b""
        while True:
            chunk = s.recv(65536)  # a reset would raise here
            if not chunk:
                break
            got += chunk
    assert got.startswith(b"-ERR Protocol error: too big inline request"), got[:80]


def test_ping_with_extra_words_is_an_arity_error(daemon):
    out = daemon.redis_cli("PING", "x", "y", "z").stdout
    assert out.startswith("WRONGARGS wrong number of arguments for 'PING'"), out


def test_before_auth_only_small_requests_are_read(auth_daemon):
    with socket.create_connection(("127.0.0.1", auth_daemon.port), timeout=10) as s:
        s.sendall(b"*2\r\n$4\r\nAUTH\r\n$100000\r\n")
        assert s.recv(200).startswith(b"-ERR Protocol error: invalid bulk length")
    start = time.time()
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=auth_daemon.port, password="wrong guess").ping()
    assert time.time() - start >= 0.15  # failed AUTH is answered after a pause


def test_an_empty_password_is_refused(tmp_path):
    r = subprocess.run([quiver_binary(), "serve", "--requirepass", "", "--data-dir", str(tmp_path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "empty" in r.stderr


def test_invalid_utf8_is_refused_and_nfc_nfd_names_are_two_graphs(daemon, graph):
    r = redis.Redis(port=daemon.port, protocol=3)
    for bad in (graph.encode() + b"\xfe", graph.encode() + b"\xff"):
        with pytest.raises(redis.ResponseError, match="not valid UTF-8"):
            r.execute_command(b"ADD", bad, b"a", b"r", b"b")
    assert graph.encode() + b"\xef\xbf\xbd" not in r.execute_command("GRAPHS", "FORMAT", "JSON")
    nfc, nfd = graph + "-caf\u00e9", graph + "-cafe\u0301"
    assert r.execute_command("ADD", nfc, "a", "r", "nfc") == 1
    assert r.execute_command("ADD", nfd, "a", "r", "nfd") == 1
    for name, tail in ((nfc, b"nfc"), (nfd, b"nfd"), (nfc, b"nfc")):
        out = r.execute_command("NEIGHBORS", name, "a")
        assert [n[b"node"] for n in out[b"neighbors"]] == [tail]
    for name in (nfc, nfd):
        assert r.execute_command("DROP", name) == b"OK"
