"""Calls between two processes that trust each other with plain data only.

The candidate's process (``harness``, serving) runs the program; the judge's process
(``examiner``) runs the test code, where the program's functions, classes and objects are
proxies.  A call on a proxy sends its arguments as plain values (``values``) through a
pipe; the answer comes back the same way, or as a reference to an object that stays in
the candidate's process.  What a reference can do in the judge is limited to what cannot
decide a check by itself: it is equal only to itself or, through the candidate, to
another reference (never to a plain value such as the expected ``4``), and its other
operations (calling it, its attributes, ``len``, iteration, ``bool``, ``str``, ``hash``,
arithmetic, ``isinstance(x, ProgramClass)``) are the candidate's answers, as a function's
return value would be.  Exceptions travel by class name and message and are raised again in the
judge as the built-in class or as a local class of that name derived from the nearest
built-in base (so ``pytest.raises(ValueError)`` works).

An instance of the program's own subclass of a plain type (``class Stack(list)`` with a
``push`` method, a namedtuple) is a reference too, so its methods and attributes work;
compared with a plain value it is compared by its base type's data (read in the
candidate with the base type's own methods, rebuilt here), never by its ``__eq__``.

The judge serves only calls of its own callables passed as arguments (a ``key=len``, a
lambda); nothing else of its process is reachable from the candidate's.

A call's list, dict, set or bytearray arguments that the callee changed in place come
back with the answer and are changed the same way in the caller's objects (``assign``),
so ``f(xs)`` sorting ``xs`` is seen by the test code, as it would be in one process.

Frames: 4-byte big-endian length and a JSON body, in each direction on its own pipe.
"""

from __future__ import annotations

import json
import os
import struct

from . import values

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

HEADER = struct.Struct(">I")
MAX_FRAME = 256 * 2**20
#: Operations a proxy forwards to the candidate (what Python asks of an object).
FORWARDED = (
    "__len__",
    "__iter__",
    "__next__",
    "__getitem__",
    "__setitem__",
    "__delitem__",
    "__contains__",
    "__bool__",
    "__str__",
    "__repr__",
    "__int__",
    "__float__",
    "__index__",
    "__neg__",
    "__pos__",
    "__abs__",
    "__round__",
    "__add__",
    "__radd__",
    "__sub__",
    "__rsub__",
    "__mul__",
    "__rmul__",
    "__truediv__",
    "__rtruediv__",
    "__floordiv__",
    "__rfloordiv__",
    "__mod__",
    "__rmod__",
    "__pow__",
    "__lshift__",
    "__rshift__",
    "__and__",
    "__or__",
    "__xor__",
    "__enter__",
    "__exit__",
    "__hash__",
    "__instancecheck__",
    "__subclasscheck__",
)
#: Comparisons: forwarded only between two references of the candidate's.
COMPARED = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__")
#: What some operations must return, checked in the judge.
RESULT_TYPES: dict[str, tuple[type, ...]] = {
    "__bool__": (bool,),
    "__len__": (int,),
    "__str__": (str,),
    "__repr__": (str,),
    "__int__": (int,),
    "__index__": (int,),
    "__float__": (float, int),
    "__contains__": (bool,),
    "__hash__": (int,),
    "__instancecheck__": (bool,),
    "__subclasscheck__": (bool,),
}


class ChannelClosed(Exception):
    """The other process went away (or broke the protocol)."""


class Channel:
    """Length-prefixed JSON frames on a pair of descriptors."""

    def __init__(self, read_fd: int, write_fd: int, max_frame: int = MAX_FRAME) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd
        self.max_frame = max_frame

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
        data = body.encode("utf-8", "surrogatepass")
        view = memoryview(HEADER.pack(len(data)) + data)
        try:
            while view:
                view = view[os.write(self.write_fd, view) :]
        except OSError as exc:
            raise ChannelClosed(str(exc)) from None

    def _read(self, n: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < n:
            try:
                chunk = os.read(self.read_fd, min(n - len(chunks), 1 << 20))
            except OSError as exc:
                raise ChannelClosed(str(exc)) from None
            if not chunk:
                raise ChannelClosed("the other process closed the channel")
            chunks += chunk
        return bytes(chunks)

    def recv(self) -> dict[str, Any]:
        (size,) = HEADER.unpack(self._read(HEADER.size))
        if size > self.max_frame:
            raise ChannelClosed(f"a frame of {size} bytes")
        try:
            message = json.loads(self._read(size).decode("utf-8", "surrogatepass"))
        except ValueError as exc:
            raise ChannelClosed(f"bad frame: {exc}") from None
        if type(message) is not dict:
            raise ChannelClosed("bad frame")
        return message


class RemoteError(Exception):
    """Base of the local stand-ins for exception classes that are not built in."""


class Peer:
    """One side of the conversation: its own objects by id, proxies of the other's.

    ``serves`` names the operations the other side may ask of this one: the candidate
    serves everything a proxy forwards; the judge serves ``call`` of its callables only.
    """

    def __init__(self, channel: Channel, serves: frozenset[str], share: bool) -> None:
        self.channel = channel
        self.serves = serves
        self.share = share  # may this side's non-plain objects travel as references?
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}  # id(obj) -> our id
        self.next_id = 1
        self.next_request = 1
        self.proxies: dict[int, Proxy] = {}
        self.error_classes: dict[tuple[str, str], type] = {}
        self.closed: str | None = None
        self.module: Any = None  # the candidate's: the program's module, for "names"

    # ---- values ------------------------------------------------------------------
    def _keep(self, obj: Any) -> Any:
        if isinstance(obj, Proxy) and obj._peer is self:
            return {"$": "own", "v": obj._id}  # the other side's own object, going home
        if not self.share and not callable(obj):
            return None
        key = id(obj)
        oid = self.ids.get(key)
        if oid is None:
            oid = self.next_id
            self.next_id += 1
            self.objects[oid] = obj
            self.ids[key] = oid
        return {"$": "ref", "v": oid}

    def _ref(self, tag: str, body: Any, base: str | None = None) -> Any:
        if type(body) is not int:
            raise ValueError("malformed reference")
        if tag == "own":  # one of ours, sent back
            if body not in self.objects:
                raise ValueError("unknown reference")
            return self.objects[body]
        proxy = self.proxies.get(body)
        if proxy is None:
            plain = base if base in PLAIN_BASES else None
            proxy = self.proxies[body] = Proxy(self, body, plain)
        return proxy

    def encode(self, value: Any) -> Any:
        return values.encode(value, self._keep)

    def decode(self, data: Any) -> Any:
        return values.decode(data, self._ref)

    # ---- asking --------------------------------------------------------------------
    def request(self, op: str, written: list[Any] | None = None, **fields: Any) -> Any:
        """Ask the other side; serve its requests while waiting for the answer.  For a
        call, ``written`` holds its arguments: those the other side changed in place
        (a list, dict, set or bytearray) are changed here the same way."""
        if self.closed is not None:
            raise ChannelClosed(self.closed)
        rid = self.next_request
        self.next_request += 1
        try:
            self.channel.send({"id": rid, "op": op, **fields})
            while True:
                message = self.channel.recv()
                if "op" in message:
                    self.serve_one(message)
                    continue
                if message.get("id") != rid:
                    raise ChannelClosed("an answer to a question not asked")
                try:
                    if written is not None:
                        for index, data in _list(message.get("changed")):
                            if type(index) is int and 0 <= index < len(written):
                                assign(written[index], self.decode(data))
                    answer = None if "raise" in message else self.decode(message.get("ok"))
                except (ValueError, TypeError, RecursionError) as exc:
                    raise ChannelClosed(f"an answer that is not a value: {exc}") from None
                if "raise" in message:
                    raise self.rebuild_error(message["raise"])
                return answer
        except ChannelClosed as exc:
            self.closed = str(exc)
            raise

    def error_class(self, info: Any) -> type:
        """The local class that stands for the other side's exception class ``info``."""
        if type(info) is not dict:
            return RemoteError
        name = str(info.get("type", "Exception"))[:200]
        base = _builtin_exception(str(info.get("base", "Exception"))) or Exception
        builtin = _builtin_exception(name)
        if info.get("builtin") and builtin is not None:
            return builtin
        key = (name, base.__name__)
        cls = self.error_classes.get(key)
        if cls is None:
            short = name.rsplit(".", 1)[-1] or "Error"
            bases = (base, RemoteError) if base is not Exception else (RemoteError,)
            cls = self.error_classes[key] = type(short, bases, {"__module__": "solution"})
        return cls

    def rebuild_error(self, info: Any) -> BaseException:
        cls = self.error_class(info)
        name = str(info.get("type", "")) if type(info) is dict else ""
        message = str(info.get("message", ""))[:10_000] if type(info) is dict else ""
        try:
            return cls(message) if message else cls()
        except Exception:  # an exception class that needs other arguments
            return RemoteError(f"{name}: {message}")

    # ---- serving -------------------------------------------------------------------
    def serve(self) -> None:
        """Answer requests until the other side closes the channel."""
        while True:
            try:
                message = self.channel.recv()
            except ChannelClosed:
                return
            if "op" not in message:
                return
            self.serve_one(message)

    def serve_one(self, message: dict[str, Any]) -> None:
        rid, op = message.get("id"), message.get("op")
        arguments: list[Any] = []
        try:
            if op not in self.serves:
                raise PermissionError(f"operation {op!r} is not served here")
            if op == "base":  # the plain data a reference is compared by
                form = values.base_form(self.target(message), self._keep)
                reply: dict[str, Any] = {"id": rid, "ok": form}
            else:
                result = self.perform(str(op), message, arguments)
                reply = {"id": rid, "ok": self.encode(result)}
        except ChannelClosed:
            raise
        except BaseException as exc:  # noqa: BLE001 - every failure goes back as an answer
            reply = {"id": rid, "raise": describe_error(exc)}
        changed = self.changed(message, arguments)
        if changed:
            reply["changed"] = changed
        self.channel.send(reply)

    def changed(self, message: dict[str, Any], arguments: list[Any]) -> list[Any]:
        """The call's arguments that it changed in place (as Python's own call would
        leave them changed for the caller), by position in ``args`` then ``kwargs``."""
        sent = list(_list(message.get("args"))) + [kv[1] for kv in _list(message.get("kwargs"))]
        out: list[Any] = []
        for index, (before, value) in enumerate(zip(sent, arguments)):
            if type(value) not in MUTABLE:
                continue
            try:
                after = self.encode(value)
            except (values.NotPlain, RecursionError):
                continue
            if after != before:
                out.append([index, after])
        return out

    def target(self, message: dict[str, Any]) -> Any:
        oid = message.get("ref")
        if oid not in self.objects:
            raise LookupError("unknown reference")
        return self.objects[oid]

    def perform(self, op: str, message: dict[str, Any], arguments: list[Any]) -> Any:
        if op == "names":
            return self.describe()
        if op == "call":
            args = [self.decode(a) for a in _list(message.get("args"))]
            kwargs = {str(k): self.decode(v) for k, v in _list(message.get("kwargs"))}
            arguments += args + list(kwargs.values())
            return self.target(message)(*args, **kwargs)
        if op == "get":
            return getattr(self.target(message), str(message.get("name")))
        if op == "set":
            setattr(self.target(message), str(message.get("name")), self.decode(message["value"]))
            return None
        if op == "op":
            return self.operate(self.target(message), str(message.get("name")), message)
        raise PermissionError(f"unknown operation {op!r}")

    def describe(self) -> dict[str, Any]:
        """The program's module and its globals (dunder names left out), for the judge:
        plain values as values, everything else as references; exception classes with
        their names and nearest built-in base, so the judge can catch them."""
        entries: list[list[Any]] = []
        for name, value in list(self.module.__dict__.items()):
            if type(name) is not str or name.startswith("__"):
                continue
            info = None
            if isinstance(value, type) and issubclass(value, BaseException):
                info = describe_error_class(value)
            entries.append([name, value, info])
        return {"module": self.module, "names": entries}

    def operate(self, obj: Any, name: str, message: dict[str, Any]) -> Any:
        args = [self.decode(a) for a in _list(message.get("args"))]
        if name in COMPARED:
            result = getattr(obj, name)(*args)
            return result if type(result) is bool or result is NotImplemented else bool(result)
        if name not in FORWARDED:
            raise PermissionError(f"operation {name!r} is not forwarded")
        builtin: Any = {
            "__len__": len,
            "__iter__": iter,
            "__next__": next,
            "__bool__": bool,
            "__str__": str,
            "__repr__": repr,
            "__abs__": abs,
            "__hash__": hash,
            "__instancecheck__": lambda cls, x: isinstance(x, cls),
            "__subclasscheck__": lambda cls, x: issubclass(x, cls),
        }.get(name)
        if builtin is not None:
            return builtin(obj, *args)
        return getattr(obj, name)(*args)


#: Plain base types a reference may be compared by (see ``Proxy._compare``).
PLAIN_BASES = frozenset(("int", "bool", "float", "str", "bytes", "bytearray", "list", "tuple",
                         "dict", "set", "frozenset", "complex"))  # fmt: skip
#: Argument types whose in-place changes travel back to the caller.
MUTABLE = (list, dict, set, bytearray)


def assign(target: Any, new: Any) -> None:
    """Make ``target`` (a caller's argument) equal to ``new`` in place, keeping the
    caller's inner containers where both sides have one of the same type there."""
    kind: Any = type(target)
    if kind not in MUTABLE or type(new) is not kind:
        return
    if kind is list:
        for i in range(min(len(target), len(new))):
            if type(target[i]) in MUTABLE and type(target[i]) is type(new[i]):
                assign(target[i], new[i])
            else:
                target[i] = new[i]
        del target[len(new) :]
        target.extend(new[len(target) :])
    elif kind is dict:
        for key in [k for k in target if k not in new]:
            del target[key]
        for key, value in new.items():
            old = target.get(key)
            if key in target and type(old) in MUTABLE and type(old) is type(value):
                assign(old, value)
            else:
                target[key] = value
    elif kind is set:
        target.intersection_update(new)
        target.update(new)
    else:
        target[:] = new


def describe_error(exc: BaseException) -> dict[str, Any]:
    """An exception as plain data: class name, nearest built-in base, message."""
    info = describe_error_class(type(exc))
    try:
        message = str(exc)
    except BaseException:  # noqa: BLE001 - a __str__ that raises
        message = ""
    info["message"] = message[:10_000]
    return info


def describe_error_class(kind: type) -> dict[str, Any]:
    """An exception class as plain data: its name, nearest built-in base, built in or not."""
    base = "Exception"
    for cls in kind.__mro__:
        if cls.__module__ == "builtins" and issubclass(cls, Exception):
            base = cls.__name__
            break
    builtin = kind.__module__ == "builtins" and issubclass(kind, Exception)
    name = kind.__qualname__ if builtin else f"{kind.__module__}.{kind.__qualname__}"
    if not issubclass(kind, Exception):  # SystemExit, KeyboardInterrupt: never leave as such
        name, base, builtin = kind.__name__, "RuntimeError", False
    return {"type": name, "base": base, "builtin": builtin}


def _builtin_exception(name: str) -> type | None:
    import builtins

    cls = getattr(builtins, name, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        return cls
    return None


def _list(data: Any) -> list[Any]:
    if data is None:
        return []
    if type(data) is not list:
        raise ValueError("malformed arguments")
    return data


class Proxy:
    """An object of the other process.  See the module docstring for what it can do."""

    __slots__ = ("_peer", "_id", "_plain", "__weakref__")

    def __init__(self, peer: Peer, oid: int, plain: str | None = None) -> None:
        object.__setattr__(self, "_peer", peer)
        object.__setattr__(self, "_id", oid)
        object.__setattr__(self, "_plain", plain)  # the plain base of the program's subclass

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        """What ``isinstance`` reads after the proxy's own type: the plain base type of
        the program's subclass (``isinstance(stack, list)``), else ``Proxy``."""
        import builtins

        plain = object.__getattribute__(self, "_plain")
        return getattr(builtins, plain) if plain else Proxy

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        peer = self._peer
        return peer.request(
            "call",
            written=[*args, *kwargs.values()],
            ref=self._id,
            args=[peer.encode(a) for a in args],
            kwargs=[[k, peer.encode(v)] for k, v in kwargs.items()],
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._peer.request("get", ref=self._id, name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._peer.request("set", ref=self._id, name=name, value=self._peer.encode(value))

    def _compare(self, name: str, other: Any) -> Any:
        if not isinstance(other, Proxy) or other._peer is not self._peer:
            if self._plain:  # its base type's data, rebuilt here, decides
                mine = self._peer.request("base", ref=self._id)
                return getattr(mine, name)(other)
            if name == "__eq__":
                return self is other
            if name == "__ne__":
                return self is not other
            return NotImplemented
        peer = self._peer
        return peer.request("op", ref=self._id, name=name, args=[peer.encode(other)])

    def __eq__(self, other: object) -> Any:
        return self._compare("__eq__", other)

    def __ne__(self, other: object) -> Any:
        return self._compare("__ne__", other)

    def __lt__(self, other: Any) -> Any:
        return self._compare("__lt__", other)

    def __le__(self, other: Any) -> Any:
        return self._compare("__le__", other)

    def __gt__(self, other: Any) -> Any:
        return self._compare("__gt__", other)

    def __ge__(self, other: Any) -> Any:
        return self._compare("__ge__", other)


def _forward(name: str) -> Any:
    kinds = RESULT_TYPES.get(name)

    def method(self: Proxy, *args: Any) -> Any:
        peer = self._peer
        result = peer.request("op", ref=self._id, name=name, args=[peer.encode(a) for a in args])
        if kinds is not None and type(result) not in kinds:
            raise TypeError(f"{name} of a candidate's object returned {type(result).__name__}")
        return result

    method.__name__ = name
    return method


for _name in FORWARDED:
    setattr(Proxy, _name, _forward(_name))
del _name
