"""The interface every sandbox backend implements.

The code verifier talks to a :class:`SandboxBackend` only, so tests and other deployments
can swap the Docker pool for another implementation without touching the judge.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Self

from sandbox.types import Job, Result


class SandboxError(Exception):
    """The sandbox itself failed (engine unreachable, image missing): not the program."""


class UnsupportedJob(ValueError):
    """The job cannot be run as asked (unknown language, assert mode for a compiled
    language, missing marker): the caller's input, not the program and not us."""


class SandboxBackend(ABC):
    """Executes jobs; never judges them."""

    @abstractmethod
    async def start(self) -> None:
        """Prepare to run jobs (start containers, connect to the engine)."""

    @abstractmethod
    async def run(self, job: Job) -> Result:
        """Run ``job``.  Infrastructure failures come back as ``Result.error``, never as
        an exception; an impossible job raises :class:`UnsupportedJob`."""

    @abstractmethod
    async def close(self) -> None:
        """Stop everything this backend started; nothing of it may remain afterwards."""

    @abstractmethod
    def ready(self) -> tuple[bool, str]:
        """Whether jobs can run now, and if not, why (for /readyz)."""

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
