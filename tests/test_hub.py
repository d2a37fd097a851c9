"""torch.hub: the cache directory, downloads (file:// URLs: no network), checkpoints loaded from a
URL, and hubconf.py entry points from a local directory or a GitHub-shaped archive tree."""
import hashlib
import os
import pathlib
import zipfile

import numpy as np
import pytest

import pyautograd as torch
from pyautograd import hub


@pytest.fixture
def hub_dir(tmp_path, monkeypatch):
    """A fresh hub directory through set_dir, restored afterwards."""
    monkeypatch.setattr(hub, "_hub_dir", None)
    d = tmp_path / "hub"
    hub.set_dir(str(d))
    return d


def _state():
    return {"weight": torch.arange(6.0).reshape(2, 3), "bias": torch.tensor([1.0, -1.0])}


def _saved(path, **kw):
    torch.save(_state(), str(path), **kw)
    return path


def _sha(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def _assert_state(sd):
    assert set(sd) == {"weight", "bias"}
    np.testing.assert_array_equal(sd["weight"].numpy(), np.arange(6.0, dtype=np.float32).reshape(2, 3))
    np.testing.assert_array_equal(sd["bias"].numpy(), [1.0, -1.0])


def test_get_dir_follows_torch_home_then_xdg(monkeypatch, tmp_path):
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.delenv("TORCH_HUB", raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert hub.get_dir() == str(tmp_path / "th" / "hub")
    monkeypatch.delenv("TORCH_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hub.get_dir() == str(tmp_path / "xdg" / "torch" / "hub")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert hub.get_dir() == os.path.expanduser("~/.cache/torch/hub")
    hub.set_dir("~/elsewhere")
    assert hub.get_dir() == os.path.expanduser("~/elsewhere")


def test_get_dir_matches_torch(monkeypatch, tmp_path, torch):
    import torch.hub as thub
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.setattr(thub, "_hub_dir", None)
    for env in ({"TORCH_HOME": str(tmp_path / "a")}, {"XDG_CACHE_HOME": str(tmp_path / "b")}):
        monkeypatch.delenv("TORCH_HOME", raising=False)
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        assert hub.get_dir() == thub.get_dir()


def test_download_url_to_file_checks_the_hash_and_leaves_no_partial_file(tmp_path, capsys):
    src = tmp_path / "src.bin"
    src.write_bytes(os.urandom(300_000))  # several read chunks
    digest = _sha(src)
    dst = tmp_path / "out" / "dst.bin"
    dst.parent.mkdir()
    hub.download_url_to_file(src.as_uri(), str(dst), hash_prefix=digest[:10], progress=True)
    assert dst.read_bytes() == src.read_bytes()
    assert "100%" in capsys.readouterr().err
    bad = tmp_path / "out" / "bad.bin"
    with pytest.raises(RuntimeError, match="invalid hash value"):
        hub.download_url_to_file(src.as_uri(), str(bad), hash_prefix="0" * 8 if digest[0] != "0" else "1" * 8,
                                 progress=False)
    assert not bad.exists()
    assert sorted(p.name for p in dst.parent.iterdir()) == ["dst.bin"]  # no .partial left behind
    assert capsys.readouterr().err == ""  # progress=False: silent


def test_load_state_dict_from_url_caches_and_checks_the_hash(tmp_path, hub_dir, capsys):
    plain = _saved(tmp_path / "plain.pt")
    named = tmp_path / f"resnet-{_sha(plain)[:8]}.pth"
    plain.rename(named)
    sd = hub.load_state_dict_from_url(named.as_uri(), check_hash=True, progress=False)
    _assert_state(sd)
    cached = hub_dir / "checkpoints" / named.name
    assert cached.exists()
    assert "Downloading" in capsys.readouterr().err
    named.unlink()  # the second call reads the cache: no download
    _assert_state(hub.load_state_dict_from_url(named.as_uri(), check_hash=True, map_location="cpu"))
    assert capsys.readouterr().err == ""
    # file_name and model_dir
    src = _saved(tmp_path / "w.pt")
    _assert_state(hub.load_state_dict_from_url(src.as_uri(), model_dir=str(tmp_path / "md"), file_name="x.bin",
                                               progress=False))
    assert (tmp_path / "md" / "x.bin").exists()


def test_load_state_dict_from_url_refuses_a_wrong_hash(tmp_path, hub_dir):
    src = _saved(tmp_path / "model-00000000.pt")
    if _sha(src).startswith("00000000"):  # pragma: no cover -- 1 in 4 billion
        pytest.skip("the file's digest happens to start with the name's prefix")
    with pytest.raises(RuntimeError, match="invalid hash value"):
        hub.load_state_dict_from_url(src.as_uri(), check_hash=True, progress=False)
    assert not (hub_dir / "checkpoints" / src.name).exists()
    # without check_hash the name's digits are not checked
    _assert_state(hub.load_state_dict_from_url(src.as_uri(), progress=False))


def test_load_state_dict_from_url_unpacks_a_single_file_zip(tmp_path, hub_dir):
    inner = _saved(tmp_path / "inner.pt")
    packed = tmp_path / "packed.zip"
    with zipfile.ZipFile(packed, "w") as zf:
        zf.write(inner, "weights.pt")
    _assert_state(hub.load_state_dict_from_url(packed.as_uri(), progress=False))
    assert (hub_dir / "checkpoints" / "weights.pt").exists()
    # a pyautograd.save file without tensors is a one-entry zip too: it is read, not unpacked
    meta = tmp_path / "meta.pt"
    torch.save({"epoch": 3}, str(meta))
    assert hub.load_state_dict_from_url(meta.as_uri(), progress=False) == {"epoch": 3}


def test_load_state_dict_from_url_reads_torch_save_files(tmp_path, hub_dir, torch):
    sd = {"w": torch.arange(4.0).reshape(2, 2), "n": torch.tensor([3], dtype=torch.int64)}
    src = tmp_path / "t.pt"
    torch.save(sd, src)
    got = hub.load_state_dict_from_url(src.as_uri(), progress=False, weights_only=True)
    ref = torch.hub.load_state_dict_from_url(src.as_uri(), model_dir=str(tmp_path / "ref"), progress=False,
                                             weights_only=True)
    for k in ref:
        np.testing.assert_array_equal(got[k].numpy(), ref[k].numpy())
        assert str(got[k].dtype) == str(ref[k].dtype)


HUBCONF = '''
"""A test hub."""
import pyautograd as torch
from helper_module import WIDTH

dependencies = ["numpy"]


def tiny(out_features=2, bias=True):
    """A tiny linear model."""
    torch.manual_seed(0)
    return torch.nn.Linear(WIDTH, out_features, bias=bias)


def _private():
    return None


not_callable = 3
'''


def _repo(path):
    path.mkdir(parents=True)
    (path / "hubconf.py").write_text(HUBCONF)
    (path / "helper_module.py").write_text("WIDTH = 4\n")  # imported from the repo's own directory
    return path


def test_load_local_directory(tmp_path):
    repo = _repo(tmp_path / "repo")
    m = torch.hub.load(str(repo), "tiny", 3, source="local", bias=False)
    assert isinstance(m, torch.nn.Linear) and m.weight.shape == (3, 4) and m.bias is None
    assert str(repo) not in __import__("sys").path  # the directory is taken off sys.path again
    with pytest.raises(RuntimeError, match="Cannot find callable nothing in hubconf"):
        torch.hub.load(str(repo), "nothing", source="local")
    with pytest.raises(RuntimeError, match="Cannot find callable not_callable"):
        torch.hub.load(str(repo), "not_callable", source="local")
    with pytest.raises(ValueError, match='Unknown source: "svn"'):
        torch.hub.load(str(repo), "tiny", source="svn")


def test_missing_dependencies_are_named(tmp_path):
    repo = _repo(tmp_path / "repo")
    (repo / "hubconf.py").write_text(HUBCONF.replace('["numpy"]', '["numpy", "no_such_package_xyz"]'))
    with pytest.raises(RuntimeError, match="Missing dependencies: no_such_package_xyz"):
        torch.hub.load(str(repo), "tiny", source="local")


def _github_tree(tmp_path, owner="someone", name="models", ref="v1"):
    """A file:// tree laid out as GitHub serves a repository's zipball (one top folder)."""
    src = _repo(tmp_path / "checkout")
    archive = tmp_path / "gh" / owner / name / "zipball" / ref
    archive.parent.mkdir(parents=True)
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"{owner}-{name}-abc123/", b"")  # GitHub lists the top folder first
        for f in src.iterdir():
            zf.write(f, f"{owner}-{name}-abc123/{f.name}")
    return (tmp_path / "gh").as_uri()


def test_github_source_downloads_caches_and_trusts(tmp_path, hub_dir, monkeypatch, capsys):
    monkeypatch.setattr(hub, "GITHUB_URL", _github_tree(tmp_path))
    assert hub.list("someone/models:v1", trust_repo=True, skip_validation=True) == ["tiny"]
    repo_dir = hub_dir / "someone_models_v1"
    assert (repo_dir / "hubconf.py").exists() and not (hub_dir / "v1.zip").exists()
    assert (hub_dir / "trusted_list").read_text() == "someone_models\n"
    assert hub.help("someone/models:v1", "tiny") == "A tiny linear model."  # "check": trusted now
    assert "Using cache found in" in capsys.readouterr().err
    m = hub.load("someone/models:v1", "tiny", out_features=5, skip_validation=True)
    assert m.weight.shape == (5, 4)


def test_github_source_asks_before_trusting(tmp_path, hub_dir, monkeypatch):
    monkeypatch.setattr(hub, "GITHUB_URL", _github_tree(tmp_path))
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(Exception, match="Untrusted repository"):
        hub.load("someone/models:v1", "tiny", skip_validation=True)
    assert not (hub_dir / "someone_models_v1").exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert hub.load("someone/models:v1", "tiny", skip_validation=True).weight.shape == (2, 4)


def test_github_validation_reads_branches_and_tags(tmp_path, hub_dir, monkeypatch):
    # GitHub's API pages (100 entries each, then an empty page), served by a stand-in reader.
    pages = {"branches": [[{"name": "main", "commit": {"sha": "aaa"}}], []],
             "tags": [[{"name": "v1", "commit": {"sha": "bbb"}}], []]}
    monkeypatch.setattr(hub, "_read_url", lambda url: pages[url.split("/")[-1].split("?")[0]][
        int(url.rsplit("page=", 1)[1]) - 1])
    hub._validate_not_a_forked_repo("someone", "models", "v1")
    hub._validate_not_a_forked_repo("someone", "models", "aa")  # a commit of the repository
    with pytest.raises(ValueError, match="Cannot find forked in"):
        hub._validate_not_a_forked_repo("someone", "models", "forked")
