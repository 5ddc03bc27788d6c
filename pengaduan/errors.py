"""The tool's own exceptions. Messages are Indonesian, one line, and say what to do."""


class PengaduanError(Exception):
    """Base of every error the CLI turns into a one-line message (exit code 1)."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SopError(PengaduanError):
    """The SOP definition is invalid."""


class ConfigError(PengaduanError):
    """The store configuration or the roster is invalid."""


class InputError(PengaduanError):
    """A value given on the command line is not acceptable."""


class TransitionError(PengaduanError):
    """The action is not allowed by the SOP in the case's current state."""


class PermissionDenied(PengaduanError):
    """The petugas may not record this step."""


class StoreError(PengaduanError):
    """The store is missing, dirty, locked or broken."""


class CaseNotFound(PengaduanError):
    """No case (or more than one) matches an ID prefix."""


class GitError(StoreError):
    """A git command failed."""
