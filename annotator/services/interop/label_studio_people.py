"""Who is who between annotator and Label Studio: annotators are names here and users
identified by email there (a number in its default export). Export gives every annotator
an address; import turns addresses, and numbers through a users file, back into names."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain.errors import UserError
from annotator.services.atomic_files import atomic_write
from annotator.services.interop.json_io import read_text

#: Reserved by RFC 2606, so no address made with it can ever reach a real mailbox.
DEFAULT_EMAIL_DOMAIN = "annotator.invalid"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART = re.compile(rf"{_ATOM}(\.{_ATOM})*")
_DOMAIN = re.compile(r"([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
#: How to get names instead of numbers, said whenever a number names no one.
EMAILS_HINT = (
    "pass --users with Label Studio's user list (GET /api/users, saved as JSON) or a CSV of "
    "number,email, or export with the annotators' emails (label-studio export PROJECT_ID "
    "JSON, or an export snapshot with serialization_options annotations__completed_by "
    "only_id false)"
)
_NUMBER_COLUMNS = ("id", "number", "user", "user_id", "completed_by")
_NAME_COLUMNS = ("name", "annotator")


@dataclass(frozen=True)
class LabelStudioUser:
    """One annotator as a Label Studio user: the name here, the address there."""

    name: str
    email: str


def check_email_domain(domain: str) -> str:
    """The domain given with --email-domain, without a leading @, or a refusal."""
    cleaned = domain.strip().removeprefix("@")
    if not _DOMAIN.fullmatch(cleaned):
        raise UserError(
            f"--email-domain {domain!r} is not a domain name such as example.org "
            f"(the default, {DEFAULT_EMAIL_DOMAIN}, is reserved and reaches no one)"
        )
    return cleaned


def users_for(names: Iterable[str], *, domain: str) -> list[LabelStudioUser]:
    """An address for every name: NAME@DOMAIN when NAME can stand before the @ as it is,
    else NAME in plain letters and dots, with .2, .3 ... where that is taken (sorted)."""
    domain = check_email_domain(domain)
    emails: dict[str, str] = {}
    taken: set[str] = set()
    as_is = sorted(name for name in set(names) if _LOCAL_PART.fullmatch(name))
    for name in as_is:  # first, so a name that fits keeps its address
        emails[name] = f"{name}@{domain}"
        taken.add(emails[name].casefold())
    for name in sorted(set(names) - set(as_is)):
        local = local_part_for(name)
        candidate, number = local, 1
        while f"{candidate}@{domain}".casefold() in taken:
            number += 1
            candidate = f"{local}.{number}"
        emails[name] = f"{candidate}@{domain}"
        taken.add(emails[name].casefold())
    return [LabelStudioUser(name=name, email=emails[name]) for name in sorted(emails)]


def local_part_for(name: str) -> str:
    """What stands before the @ for a name: the name itself when an address allows it."""
    if _LOCAL_PART.fullmatch(name):
        return name
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ".".join(re.findall(r"[A-Za-z0-9_+-]+", ascii_name)) or "annotator"


def users_path(out: Path) -> Path:
    """Where an export's users list goes, beside it (as the command line puts it)."""
    return out.with_name(out.stem + ".users.csv")


def write_users_csv(out: Path, users: list[LabelStudioUser]) -> None:
    """email,name per annotator: the users to create in Label Studio, and for --users back."""
    with atomic_write(out, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["email", "name"])
        writer.writerows([user.email, user.name] for user in users)


def name_of_email(email: str) -> str:
    """The annotator an address stands for when no users file names them: before the @."""
    return email.split("@", 1)[0].strip() or email.strip()


@dataclass
class UserDirectory:
    """What a --users file says: Label Studio user numbers and addresses -> people."""

    file: str | None = None
    emails: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    names_by_email: dict[str, str] = field(default_factory=dict)

    def name_for_email(self, email: str) -> str:
        return self.names_by_email.get(email.strip().casefold()) or name_of_email(email)

    def name_for_number(self, number: int) -> str | None:
        if number in self.names:
            return self.names[number]
        if number in self.emails:
            return self.name_for_email(self.emails[number])
        return None

    def email_for_number(self, number: int) -> str | None:
        return self.emails.get(number)

    def merged(self, other: UserDirectory) -> UserDirectory:
        """Both files' knowledge, e.g. Label Studio's user list and an export's users.csv."""
        return UserDirectory(
            file=", ".join(f for f in (self.file, other.file) if f) or None,
            emails={**self.emails, **other.emails},
            names={**self.names, **other.names},
            names_by_email={**self.names_by_email, **other.names_by_email},
        )


def read_users(paths: Iterable[Path]) -> UserDirectory:
    """Read --users files (each one Label Studio's user list, or a CSV) as one directory."""
    directory = UserDirectory()
    for path in paths:
        directory = directory.merged(read_users_file(path))
    return directory


def read_users_file(path: Path) -> UserDirectory:
    """Label Studio's user list (JSON), or CSV of number,email / number,name (a header is
    optional) or email,name (the list an export writes)."""
    text = read_text(path)
    if text.lstrip().startswith(("[", "{")):
        return _users_from_json(text, path.name)
    return _users_from_csv(text, path.name)


def _users_from_json(text: str, file: str) -> UserDirectory:
    try:
        value: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(
            f"is not valid JSON ({error.msg}, line {error.lineno} column {error.colno})",
            file=file,
        ) from error
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        value = value["results"]  # a paginated answer
    if not isinstance(value, list):
        raise UserError(
            "is not Label Studio's user list (a JSON list of users with id and email)", file=file
        )
    directory = UserDirectory(file=file)
    for number, user in enumerate(value, start=1):
        user_id = user.get("id") if isinstance(user, dict) else None
        email = user.get("email") if isinstance(user, dict) else None
        if type(user_id) is not int or not isinstance(email, str) or "@" not in email:
            raise UserError(
                "is not a Label Studio user with a number (id) and an email",
                file=file,
                row=number,
            )
        directory.emails[user_id] = email.strip()
    return directory


def _users_from_csv(text: str, file: str) -> UserDirectory:
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise UserError("is empty; it should list Label Studio users (number,email)", file=file)
    first = [cell.strip().casefold() for cell in rows[0]]
    has_header = not _is_number(rows[0][0]) and "@" not in rows[0][0]
    if has_header:
        number_col = next((first.index(c) for c in _NUMBER_COLUMNS if c in first), None)
        email_col = first.index("email") if "email" in first else None
        name_col = next((first.index(c) for c in _NAME_COLUMNS if c in first), None)
        body, start = rows[1:], 2
    else:
        second = rows[0][1] if len(rows[0]) > 1 else ""
        number_col, start, body = 0, 1, rows
        email_col, name_col = (1, None) if "@" in second else (None, 1)
    if (number_col is None and email_col is None) or (email_col is None and name_col is None):
        raise UserError(
            "needs the columns number,email or number,name (or email,name), "
            f"found {', '.join(rows[0])}",
            file=file,
            row=1,
        )
    directory = UserDirectory(file=file)
    for row_number, row in enumerate(body, start=start):
        cells = {
            key: row[col].strip() if col is not None and col < len(row) else ""
            for key, col in (("number", number_col), ("email", email_col), ("name", name_col))
        }
        if email_col is not None and cells["email"] and "@" not in cells["email"]:
            raise UserError(
                f"{cells['email']!r} is not an email address",
                file=file,
                row=row_number,
                column=rows[0][email_col] if has_header else None,
            )
        if number_col is not None:
            if not _is_number(cells["number"]):
                raise UserError(
                    f"{cells['number']!r} is not a Label Studio user number",
                    file=file,
                    row=row_number,
                    column=rows[0][number_col] if has_header else None,
                )
            user_id = int(cells["number"])
            if cells["email"]:
                directory.emails[user_id] = cells["email"]
            if cells["name"]:
                directory.names[user_id] = cells["name"]
        if cells["email"] and cells["name"]:
            directory.names_by_email[cells["email"].casefold()] = cells["name"]
    return directory


def _is_number(cell: str) -> bool:
    return cell.strip().isdigit()


class AnnotatorNames:
    """Turns ``completed_by`` into an annotator's name, refusing to guess: a bare number
    needs a users file, and two addresses that would give one name are refused."""

    def __init__(self, file: str, directory: UserDirectory | None) -> None:
        self.file = file
        self.directory = directory or UserDirectory()
        self._who: dict[str, tuple[str, int]] = {}  # name -> (address or number, task)

    def name(self, completed_by: Any, number: int, where: str) -> tuple[str, str | None]:
        """(annotator name, email or None) of one annotation's ``completed_by``."""
        column = f"{where}.completed_by"
        email: str | None = None
        user_id: int | None = None
        if isinstance(completed_by, dict):
            raw_email, raw_id = completed_by.get("email"), completed_by.get("id")
            if isinstance(raw_email, str) and raw_email.strip():
                email = raw_email.strip()
            elif type(raw_id) is int:
                user_id = raw_id
        elif type(completed_by) is int or (
            isinstance(completed_by, str) and _is_number(completed_by)
        ):
            user_id = int(completed_by)
        elif isinstance(completed_by, str) and completed_by.strip():
            text = completed_by.strip()
            email = text if "@" in text else None
            if email is None:
                return self._claim(text, f"name {text}", number, column), None
        if email is not None:
            name = self.directory.name_for_email(email)
            return self._claim(name, email.casefold(), number, column), email
        if user_id is None:
            raise UserError(
                "names no annotator (completed_by needs an email or a user number)",
                file=self.file,
                row=number,
                column=column,
            )
        found = self.directory.name_for_number(user_id)
        if found is None:
            where_from = (
                f"is in none of {self.directory.file}"
                if self.directory.file
                else "names no one by itself"
            )
            raise UserError(
                f"completed_by is Label Studio's user number {user_id}, which {where_from}: "
                + EMAILS_HINT,
                file=self.file,
                row=number,
                column=column,
            )
        identity = self.directory.email_for_number(user_id)
        key = identity.casefold() if identity else f"user {user_id}"
        return self._claim(found, key, number, column), identity

    def _claim(self, name: str, identity: str, number: int, column: str) -> str:
        seen = self._who.setdefault(name, (identity, number))
        if seen[0] != identity:
            raise UserError(
                f"{identity} and {seen[0]} (task {seen[1]}) would both be the annotator "
                f"{name}: give each a name with --users (a CSV of email,name)",
                file=self.file,
                row=number,
                column=column,
            )
        return name
