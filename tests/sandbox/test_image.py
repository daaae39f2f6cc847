"""The image recipe: hashed, reused when the label matches, mirror taken from apt."""

from __future__ import annotations

import pytest

from sandbox.images.build import (
    DEFAULT_MIRROR,
    LABEL_RECIPE,
    apt_mirror,
    ensure_image,
    harden,
    image_languages,
    packages_for,
    recipe_hash,
)


def test_recipe_hash_depends_on_the_languages_only_as_a_set():
    assert recipe_hash(["cpp", "python"]) == recipe_hash(["python", "cpp", "cpp"])
    assert recipe_hash(["python"]) != recipe_hash(["python", "cpp"])
    assert recipe_hash(["cpp"]) == recipe_hash(["cpp", "python"])  # the runner needs python anyway


def test_packages_for_languages():
    assert packages_for(["cpp"]) == ["g++", "python3", "python3-pytest"]
    with pytest.raises(ValueError, match="unknown languages"):
        packages_for(["cobol"])


def test_apt_mirror_from_deb822(tmp_path):
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n\n"
        "Types: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\n"
    )
    assert apt_mirror(str(tmp_path)) == "http://mirror.example/debian"


def test_apt_mirror_from_sources_list(tmp_path):
    (tmp_path / "sources.list").write_text(
        "# comment\ndeb http://security.example/debian-security bookworm-security main\n"
        "deb [arch=amd64] http://mirror.example/debian bookworm main\n"
    )
    assert apt_mirror(str(tmp_path)) == "http://mirror.example/debian"


def test_apt_mirror_default(tmp_path):
    assert apt_mirror(str(tmp_path)) == DEFAULT_MIRROR


@pytest.mark.docker
def test_image_is_reused_when_its_recipe_matches(sandbox_image, docker_client):
    before = docker_client.images.get(sandbox_image).id
    image_id = ensure_image(sandbox_image, client=docker_client)
    assert image_id == before  # no rebuild: the same image
    image = docker_client.images.get(sandbox_image)
    assert image.id == image_id
    assert image.labels[LABEL_RECIPE] == recipe_hash(image_languages(docker_client, sandbox_image))
    assert {"python", "cpp", "c"} <= set(image_languages(docker_client, sandbox_image))


@pytest.mark.docker
def test_image_with_more_languages_serves_fewer(sandbox_image, docker_client):
    before = docker_client.images.get(sandbox_image).id
    assert ensure_image(sandbox_image, languages=["python"], client=docker_client) == before


@pytest.mark.docker
def test_the_image_has_no_setuid_files_su_or_nsenter(sandbox_image, docker_client):
    found = docker_client.containers.run(
        sandbox_image,
        [
            "sh",
            "-c",
            "find / -xdev -type f -perm /6000; ls /usr/bin/su /usr/bin/nsenter 2>&1 | grep -v 'No such'; true",
        ],
        network_mode="none",
        remove=True,
    )
    assert found.decode().split() == []


def test_harden_drops_the_bits_and_the_tools(tmp_path):
    (tmp_path / "usr" / "bin").mkdir(parents=True)
    for name, mode in (("su", 0o4755), ("passwd", 0o4755), ("wall", 0o2755), ("ls", 0o755)):
        path = tmp_path / "usr" / "bin" / name
        path.write_text("")
        path.chmod(mode)
    harden(tmp_path)
    assert sorted(p.name for p in (tmp_path / "usr" / "bin").iterdir()) == ["ls", "passwd", "wall"]
    assert {oct(p.stat().st_mode & 0o7777) for p in (tmp_path / "usr" / "bin").iterdir()} == {
        "0o755"
    }
