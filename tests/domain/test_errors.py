from __future__ import annotations

from annotator.domain.errors import UserError


def test_user_error_names_file_row_and_column() -> None:
    error = UserError("the id is empty", file="tweets.csv", row=90000, column="id")
    assert str(error) == "tweets.csv, row 90000, column 'id': the id is empty"


def test_user_error_without_location_is_the_bare_sentence() -> None:
    assert str(UserError("nothing to do")) == "nothing to do"
