"""Helpers shared by the tests (and the benchmarks): real servers, misbehaving parts.

- :mod:`.live_server`      a real uvicorn server in a background thread (in-process app)
- :mod:`.server_process`   a real server as a subprocess (``reward-server serve``), killable
- :mod:`.scripted_server`  a stand-in HTTP server with scripted answers, for client tests
- :mod:`.fault_verifiers`  verifiers that hang, crash or raise on purpose
"""
