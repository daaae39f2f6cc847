"""Language table: aliases, and Java's public class naming its file."""

from __future__ import annotations

import pytest

from sandbox.languages import LANGUAGES, UnknownLanguage, resolve


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("Python3", "python"),
        ("py", "python"),
        ("C++", "cpp"),
        ("cpp17", "cpp"),
        ("js", "javascript"),
        ("golang", "go"),
    ],
)
def test_aliases(alias, name):
    assert resolve(alias).name == name


def test_unknown_language():
    with pytest.raises(UnknownLanguage):
        resolve("cobol")


def test_java_public_class_names_the_file_and_the_run():
    wire = resolve("java").to_wire("import java.util.*;\npublic class Solution {\n}\n")
    assert wire["source_file"] == "Solution.java"
    assert "Solution.java" in wire["compile"] and "Main.java" not in wire["compile"]
    assert wire["run"][-1] == "Solution"
    assert resolve("java").to_wire("class Main {}")["source_file"] == "Main.java"


def test_every_language_names_an_image_language():
    from sandbox.images.build import LANGUAGE_PACKAGES

    assert {lang.image_language for lang in LANGUAGES.values()} <= set(LANGUAGE_PACKAGES)
