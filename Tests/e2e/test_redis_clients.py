"""quiver serve with real Redis clients: redis-cli (inline and RESP, RESP2 and RESP3) and redis-py."""
import json
import os
import socket
import subprocess
import tempfile
import time

import pytest
import redis

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def raw(port, payload, read_until_close=False, timeout=10):
    """Sends bytes on a fresh socket and returns what comes back (until close, or the first read)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(payload)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
            if not read_until_close:
                break
        return b"".join(chunks)


def test_inline_commands_over_a_plain_socket(daemon, graph):
    out = raw(daemon.port, f'PING\r\nADD {graph} "new york" capital_of usa\nECHO "a\\tb"\r\nQUIT\r\n'.encode(), read_until_close=True)
    assert out == b"+PONG\r\n:1\r\n$3\r\na\tb\r\n+OK\r\n"


def test_redis_cli_load_query_paths_errors(daemon, graph):
    tsv = "grace\tborn_in\tlyon\nlyon\tlocated_in\trhone\nrhone\tlocated_in\tfrance\nerin\tborn_in\trhone\n"
    r = daemon.redis_cli("-x", "LOAD", graph, "FORMAT", "tsv", input=tsv)
    assert r.returncode == 0, r.stderr
    assert "read\n4\n" in r.stdout
    r = daemon.redis_cli("PATHS", graph, "grace", "france", "VIA", "born_in/located_in+", "FORMAT", "JSON")
    assert json.loads(r.stdout)["paths"][0]["nodes"] == ["grace", "lyon", "rhone", "france"]
    r = daemon.redis_cli("NEIGHBORS", graph, "rhone", "DIR", "both")
    assert "france" in r.stdout and "erin" in r.stdout
    r = daemon.redis_cli("STATS", "no-such-graph")
    assert r.stdout.strip() == "NOGRAPH graph 'no-such-graph' does not exist (GRAPHS lists the graphs)"
    r = daemon.redis_cli("PATHS", graph, "grace")
    assert r.stdout.startswith("WRONGARGS")
    r = daemon.redis_cli("GRAPHS", resp3=True)
    assert graph in r.stdout


def test_redis_cli_interactive_help_lists_quiver_commands(daemon):
    r = daemon.redis_cli(input="help PATHS\n")
    assert "k-shortest" in r.stdout


def test_format_json_is_the_cli_json(daemon, graph):
    daemon.redis_cli("-x", "LOAD", graph, "FORMAT", "tsv", input="a\tr\tb\nb\tr\tc\na\ts\tc\n")
    for words, cli in [
        (["PATHS", graph, "a", "c", "MODE", "all-shortest"], ["paths", graph, "a", "c", "--mode", "all-shortest", "--json"]),
        (["PATHS", graph, "a", "c", "k-shortest", "K", "2"], ["paths", graph, "a", "c", "--mode", "k-shortest", "-k", "2", "--json"]),
        (["NEIGHBORS", graph, "b", "--dir", "both"], ["neighbors", graph, "b", "--dir", "both", "--json"]),
        (["REACH", graph, "a"], ["reach", graph, "a", "--json"]),
        (["HOP", graph, "a", "r", "r"], ["hop", graph, "a", "r", "r", "--json"]),
        (["GRAPHS"], None),
    ]:
        served = daemon.redis_cli(*words, "FORMAT", "JSON").stdout.rstrip("\n")
        if cli is not None:
            assert served == daemon.cli(*cli).stdout.rstrip("\n"), words
        else:
            assert graph in [g["name"] for g in json.loads(served)["graphs"]]
    stats = json.loads(daemon.redis_cli("STATS", graph, "FORMAT", "JSON").stdout)
    assert stats == json.loads(daemon.cli("stats", graph, "--json").stdout)


def test_redis_py_resp3(daemon, graph):
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
    assert r.ping()
    assert r.execute_command("ADD", graph, "erin", "born_in", "lyon") == 1
    assert r.execute_command("ADD", graph, "lyon", "located_in", "france", "SPLIT", "train") == 1
    report = r.execute_command("LOAD", graph, "FORMAT", "nt",
                               "<urn:quiver:name:france> <urn:quiver:name:part_of> <urn:quiver:name:europe> .\n")
    assert report["read"] == 1 and report["new"] == 1
    p = r.execute_command("PATHS", graph, "erin", "france")
    assert p["count"] == 1 and p["truncated"] is False and p["reason"] is None
    assert p["paths"][0]["nodes"] == ["erin", "lyon", "france"]
    assert json.loads(r.execute_command("PATHS", graph, "erin", "france", "FORMAT", "JSON"))["count"] == 1
    stats = r.execute_command("STATS", graph)
    assert stats["triples"] == 3 and isinstance(stats["out_degree"]["mean"], float)
    with pytest.raises(redis.ResponseError, match="NOGRAPH"):
        r.execute_command("NEIGHBORS", "no-such-graph", "x")
    with pytest.raises(redis.ResponseError, match="WRONGARGS"):
        r.execute_command("PATHS", graph, "erin", "france", "DIR", "sideways")
    assert r.execute_command("DEL", graph, "erin", "born_in", "lyon") == 1
    assert r.client_id() > 0
    assert "graphs" in r.info("graphs")
    # Pipelining: many commands in one write, replies in order.
    pipe = r.pipeline(transaction=False)
    for i in range(500):
        pipe.echo(f"m{i}")
    assert pipe.execute() == [f"m{i}" for i in range(500)]


def test_redis_py_resp2_default(daemon, graph):
    r = redis.Redis(port=daemon.port, decode_responses=True)
    assert r.execute_command("ADD", graph, "x", "r", "y") == 1
    assert r.execute_command("REACH", graph, "x", "COUNT", "FORMAT", "JSON") == '{"count":1,"truncated":false}'
    assert r.execute_command("DROP", graph) == "OK"


def test_auth(auth_daemon, graph):
    with pytest.raises((redis.AuthenticationError, redis.ResponseError)):
        redis.Redis(port=auth_daemon.port, protocol=3).execute_command("GRAPHS")
    with pytest.raises((redis.AuthenticationError, redis.ResponseError), match="NOAUTH|[Aa]uthenticat"):
        redis.Redis(port=auth_daemon.port, protocol=2).execute_command("GRAPHS")
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=auth_daemon.port, password="wrong").ping()
    ok = redis.Redis(port=auth_daemon.port, password="open sesame", protocol=3, decode_responses=True)
    assert ok.execute_command("ADD", graph, "a", "r", "b") == 1
    assert auth_daemon.redis_cli("-a", "open sesame", "--no-auth-warning", "REACH", graph, "a", "COUNT", "FORMAT", "JSON").stdout.strip() \
        == '{"count":1,"truncated":false}'
    assert raw(auth_daemon.port, b"PING\r\n") == b"+PONG\r\n"
    assert raw(auth_daemon.port, b"GRAPHS\r\n").startswith(b"-NOAUTH")


@pytest.mark.parametrize("payload", [
    b"*3000000000\r\n", b"*1\r\n$-3\r\n", b"*x\r\n", b"*1\r\n$nan\r\n", b'ECHO "open\r\n', b"PI\x00NG\r\n",
    b"x" * (70 * 1024),
])
def test_protocol_errors_close_the_connection_and_others_go_on(daemon, payload):
    out = raw(daemon.port, payload, read_until_close=True)
    assert out.startswith(b"-ERR Protocol error: "), out[:100]
    assert out.count(b"\r\n") == 1  # the error, then the close
    assert raw(daemon.port, b"PING\r\n") == b"+PONG\r\n"


def test_http_is_closed_at_once(daemon):
    assert raw(daemon.port, b"POST / HTTP/1.1\r\nHost: localhost\r\n\r\n", read_until_close=True) == b""


def test_write_by_another_process_is_seen_within_a_second(daemon, graph):
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
    assert r.execute_command("ADD", graph, "a", "r", "b") == 1
    assert r.execute_command("REACH", graph, "a", "COUNT")["count"] == 1
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        f.write("b\tr\tc\n")
    daemon.cli("load", graph, f.name)
    deadline = time.time() + 1.0
    while time.time() < deadline:
        if r.execute_command("REACH", graph, "a", "COUNT")["count"] == 2:
            break
        time.sleep(0.02)
    else:
        pytest.fail("the daemon did not see the CLI's load within 1 s")
    os.unlink(f.name)


def test_acknowledged_add_survives_kill_9(daemon, graph):
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
    assert r.execute_command("ADD", graph, "durable", "r", "triple") == 1
    daemon.kill9()
    daemon.start()
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
    assert r.execute_command("NEIGHBORS", graph, "durable")["neighbors"] == [{"relation": "r", "direction": "out", "node": "triple"}]


def test_load_job_reports_progress(daemon, graph):
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
    payload = "".join(f"n{i}\tnext\tn{i + 1}\n" for i in range(50_000))
    started = r.execute_command("LOAD", graph, "FORMAT", "tsv", payload, "ASYNC")
    job = started["job"]
    for _ in range(600):
        status = r.execute_command("JOB", "STATUS", job)
        if status["state"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    assert status["state"] == "done", status
    assert status["percent"] == 100 and status["result"]["new"] == 50_000
    assert any(j["id"] == job for j in r.execute_command("JOBS"))


def load_nations(r, graph):
    """Nations into `graph`, each file under its split."""
    datasets = os.path.join(os.path.dirname(REPO_ROOT), "shared", "datasets", "nations")
    for split in ("train", "valid", "test"):
        with open(os.path.join(datasets, f"{split}.txt")) as f:
            r.execute_command("LOAD", graph, "FORMAT", "tsv", f.read(), "SPLIT", split)


def finished_job(r, job):
    """The job's status once it is neither queued nor running (at most a minute)."""
    for _ in range(1200):
        status = r.execute_command("JOB", "STATUS", job)
        if status["state"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    return status


def test_train_eval_score_with_redis_py_and_redis_cli(daemon, graph):
    """TRAIN as a job on Nations (loaded by split), then EVAL and SCORE from both clients."""
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
    load_nations(r, graph)
    with pytest.raises(redis.ResponseError, match="WRONGARGS"):
        r.execute_command("TRAIN", graph, "MODEL", "transformer")
    job = r.execute_command("TRAIN", graph, "MODEL", "complex", "NAME", "e2e", "DIM", "32", "EPOCHS", "15",
                            "SEED", "1", "THREADS", "1")["job"]
    status = finished_job(r, job)
    assert status["state"] == "done", status
    assert status["result"]["model"] == "e2e" and status["result"]["train_triples"] == 1592
    ev = r.execute_command("EVAL", graph, "MODEL", "e2e")
    assert ev["mrr"] == status["result"]["test"]["mrr"] and ev["mrr"] > 0.5
    assert ev["tail"]["count"] == ev["head"]["count"] == 201
    scored = json.loads(r.execute_command("SCORE", graph, "usa", "embassy", "MODEL", "e2e", "TOP-K", "3", "EXPLAIN", "1",
                                          "FORMAT", "JSON"))
    assert [a["rank"] for a in scored["answers"]] == [1, 2, 3]
    out = daemon.redis_cli("SCORE", graph, "usa", "embassy", "MODEL", "e2e", "TOP-K", "2").stdout
    assert scored["answers"][0]["entity"] in out
    with pytest.raises(redis.ResponseError, match="no model named 'nope'"):
        r.execute_command("SCORE", graph, "usa", "embassy", "MODEL", "nope")


def test_sigterm_finishes_in_flight_work_and_stops_the_database():
    from conftest import Daemon, quiver_binary
    import threading
    d = tempfile.mkdtemp(prefix="quiver-e2e-term-")
    os.chmod(d, 0o755)
    try:
        daemon = Daemon(d)
        r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
        payload = "".join(f"n{i}\tr\tn{(i * 7) % 200_000}\n" for i in range(200_000))
        result = {}

        def load():
            try:
                result["report"] = r.execute_command("LOAD", "big", "FORMAT", "tsv", payload)
            except Exception as e:  # noqa: BLE001 - recorded for the assertion below
                result["error"] = e

        t = threading.Thread(target=load)
        t.start()
        time.sleep(0.3)
        assert daemon.terminate() == 0
        t.join(30)
        assert result.get("report", {}).get("new") == 200_000, result
        status = subprocess.run([quiver_binary(), "db", "status", "--json", "--data-dir", d], capture_output=True, text=True)
        assert json.loads(status.stdout)["status"] != "running", status.stdout
    finally:
        subprocess.run([quiver_binary(), "db", "stop", "--data-dir", d], capture_output=True)
        import shutil
        shutil.rmtree(d, ignore_errors=True)


def test_config_file(daemon, tmp_path):
    from conftest import Daemon
    config = tmp_path / "quiver.conf"
    config.write_text("# a comment\nrequirepass from-file\nmax-clients 2\n")
    d = Daemon(daemon.data_dir, ["--config", str(config)])

    def eventually(payload, prefix):
        # A closed connection frees its slot a moment after the close.
        for _ in range(50):
            out = raw(d.port, payload)
            if out.startswith(prefix):
                return out
            time.sleep(0.02)
        return out

    try:
        assert eventually(b"ECHO x\r\n", b"-NOAUTH").startswith(b"-NOAUTH")
        r = redis.Redis(port=d.port, password="from-file", protocol=3, decode_responses=True)
        assert r.echo("x") == "x"
        with socket.create_connection(("127.0.0.1", d.port)) as held:
            held.sendall(b"PING\r\n")
            assert held.recv(64) == b"+PONG\r\n"
            assert eventually(b"PING\r\n", b"-ERR max").startswith(b"-ERR max number of clients")
    finally:
        d.terminate()


def test_a_time_budget_too_short_for_the_final_metrics_ranks_a_seeded_sample(daemon):
    """TRAIN with a time budget that leaves no time for the final metrics: test (201 facts on
    Nations) is ranked on a seeded sample of 200, the reply says so, and EVAL with SAMPLE 200
    ranks the same facts to the same MRR; valid keeps the validation of the kept epoch, whole."""
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
    graph = "e2e-budget"
    load_nations(r, graph)
    job = r.execute_command("TRAIN", graph, "MODEL", "complex", "NAME", "quick", "DIM", "16", "TIME-BUDGET", "1ms",
                            "SEED", "1", "THREADS", "1")["job"]
    status = finished_job(r, job)
    assert status["state"] == "done", status
    result = status["result"]
    assert result["stopped_at_time_budget"] is True
    assert result["test_sampled"] == 200 and result["test"]["count"] == 400, result
    assert "valid_sampled" not in result and result["valid"]["count"] == 2 * 199, result
    ev = r.execute_command("EVAL", graph, "MODEL", "quick", "SAMPLE", "200")
    assert ev["sampled"] == 200 and ev["mrr"] == result["test"]["mrr"], (ev, result["test"])
    whole = r.execute_command("EVAL", graph, "MODEL", "quick")
    assert whole["count"] == 2 * 201
