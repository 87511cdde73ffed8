"""The real YAML language server (the npm package editors use), driven over stdio for tests.

`make lsp-deps` installs `yaml-language-server` into `.cache/node/` with npm; the `yaml_server`
fixture (conftest.py) fails with that command when it is missing. `YamlLanguageServer` speaks the
Language Server Protocol as an editor does: it opens one file and returns the diagnostics the
server publishes for it, or the completions it offers at a position.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / ".cache/node/node_modules/yaml-language-server/bin/yaml-language-server"
SETTINGS = {
    "validate": True,
    "completion": True,
    "hover": True,
    "schemaStore": {"enable": False},  # only the file's own `$schema=` line, nothing downloaded
}


def find_server() -> list[str] | None:
    """The command that starts the server over stdio, or None."""
    node = shutil.which("node")
    return [node, str(SERVER), "--stdio"] if node and SERVER.is_file() else None


class YamlLanguageServer:
    """One running server; use as a context manager."""

    def __init__(self, command: list[str], timeout: float = 30) -> None:
        self.command = command
        self.timeout = timeout
        self._next_id = 0
        self._messages: queue.Queue[dict[str, Any]] = queue.Queue()

    def __enter__(self) -> YamlLanguageServer:
        self._process = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        threading.Thread(target=self._read, daemon=True).start()
        self._request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        self._notify("initialized", {})
        self._notify("workspace/didChangeConfiguration", {"settings": {"yaml": SETTINGS}})
        return self

    def __exit__(self, *_: object) -> None:
        self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()

    def diagnostics(self, path: Path) -> list[dict[str, Any]]:
        """What the server reports about `path` once it has checked it against its schema."""
        uri = self._open(path)
        while True:
            message = self._wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
            if message["params"]["uri"] == uri:
                found: list[dict[str, Any]] = message["params"]["diagnostics"]
                return found

    def completions(self, path: Path, line: int, character: int) -> list[str]:
        """The labels the server offers at a zero-based position of `path`."""
        uri = self._open(path)
        result = self._request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        items = result.get("items", []) if isinstance(result, dict) else result or []
        return [item["label"] for item in items]

    def _open(self, path: Path) -> str:
        uri = path.resolve().as_uri()
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text()}
        self._notify("textDocument/didOpen", {"textDocument": document})
        return uri

    def _request(self, method: str, params: dict[str, Any]) -> Any:
        self._next_id += 1
        number = self._next_id
        self._send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        reply = self._wait(lambda m: m.get("id") == number and "method" not in m)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result")

    def _notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self._process.stdin is not None
        self._process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self._process.stdin.flush()

    def _wait(self, wanted: Any) -> dict[str, Any]:
        """The next message `wanted` accepts; the server's own requests are answered meanwhile."""
        while True:
            try:
                message = self._messages.get(timeout=self.timeout)
            except queue.Empty:
                raise TimeoutError("the YAML language server did not answer") from None
            if "method" in message and "id" in message:  # a request from the server
                self._answer(message)
            elif wanted(message):
                return message

    def _answer(self, request: dict[str, Any]) -> None:
        result: Any = None
        if request["method"] == "workspace/configuration":
            items = request["params"]["items"]
            result = [SETTINGS if item.get("section") == "yaml" else {} for item in items]
        self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def _read(self) -> None:
        stream = self._process.stdout
        assert stream is not None
        while True:
            length = 0
            while (header := stream.readline()) not in (b"\r\n", b""):
                name, _, value = header.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not header:
                return
            self._messages.put(json.loads(stream.read(length)))
