"""torch.hub: the cache directory, downloading checkpoints, and loading models a hubconf.py
declares -- from a local directory or a GitHub repository, as PyTorch does.

Downloads go through urllib (any URL urllib opens: https://, http://, file://). A checkpoint is
read with ``pyautograd.load``, which reads both pyautograd's own files and PyTorch's
``torch.save`` zip archives (see torch_format.py). Nothing here needs PyTorch.

- ``get_dir()`` / ``set_dir(d)``: the hub directory, ``$TORCH_HOME/hub`` (TORCH_HOME defaults to
  ``$XDG_CACHE_HOME/torch``, XDG_CACHE_HOME to ``~/.cache``), unless set_dir changed it.
- ``download_url_to_file(url, dst, hash_prefix, progress)``: written to a temporary file beside
  `dst` and renamed onto it only when complete (and, with hash_prefix, when the SHA-256 matches).
- ``load_state_dict_from_url(url, ...)``: downloads once into ``<hub dir>/checkpoints`` and loads.
- ``list`` / ``help`` / ``load``: the entry points of a repository's hubconf.py; ``load`` also
  takes ``source='local'`` and a directory.
"""
import errno
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import uuid
import warnings
import zipfile
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

from .serialization import load as _load

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

ENV_GITHUB_TOKEN = "GITHUB_TOKEN"
ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
VAR_DEPENDENCY = "dependencies"
MODULE_HUBCONF = "hubconf.py"
READ_DATA_CHUNK = 128 * 1024
# check_hash: the hash prefix is what follows the last '-' before the extension ('name-1a2b3c.pth').
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
# Repositories of these owners are trusted without asking (PyTorch's list).
_TRUSTED_REPO_OWNERS = ("facebookresearch", "facebookincubator", "pytorch", "fairinternal")
# Where repositories are fetched from; a module attribute so a mirror (or a file:// tree laid out
# the same way, as the tests use) can stand in for GitHub.
GITHUB_URL = "https://github.com"
GITHUB_API_URL = "https://api.github.com"

_hub_dir = None


def _get_torch_home():
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME, os.path.join(
        os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch")))


def get_dir():
    """The directory hub downloads go to: set_dir's, else ``$TORCH_HOME/hub`` (TORCH_HOME
    defaults to ``$XDG_CACHE_HOME/torch``, XDG_CACHE_HOME to ``~/.cache``)."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    """Sets the hub directory (``~`` is expanded) for this process."""
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


class _Progress:
    """A one-line progress report on stderr (PyTorch draws a tqdm bar; none is needed here)."""

    def __init__(self, total, enabled):
        self.total, self.enabled, self.done, self.shown = total, enabled, 0, -1

    def update(self, n):
        self.done += n
        if not self.enabled:
            return
        if self.total:
            percent = int(100 * self.done / self.total)
            if percent != self.shown:
                self.shown = percent
                sys.stderr.write(f"\r{percent:3d}% {_size(self.done)}/{_size(self.total)}")
        else:
            sys.stderr.write(f"\r{_size(self.done)}")

    def close(self):
        if self.enabled:
            sys.stderr.write("\n")


def _size(n):
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.1f}{unit}" if unit != "B" else f"{n}B"
        n /= 1024


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Downloads the object at `url` to the local path `dst`.

    The data goes to a temporary file beside `dst` (``dst.<random>.partial``), which is renamed
    onto `dst` only once complete: an interrupted download never leaves a partial `dst`.

    Args:
        url: the URL (any scheme urllib opens: https, http, file).
        dst: the full path the file is saved to (``~`` is expanded).
        hash_prefix: if given, the SHA-256 digest of the download must start with it.
        progress: whether to report progress on stderr.
    Raises:
        RuntimeError: the digest does not start with `hash_prefix` (`dst` is left untouched).
    """
    req = Request(url, headers={"User-Agent": "torch.hub"})
    with urlopen(req) as u:  # noqa: S310 -- fetching the caller's URL is this function's job
        lengths = u.info().get_all("Content-Length")
        file_size = int(lengths[0]) if lengths else None
        dst = os.path.expanduser(dst)
        for _ in range(tempfile.TMP_MAX):
            tmp_dst = dst + "." + uuid.uuid4().hex + ".partial"
            try:
                f = open(tmp_dst, "x+b")  # noqa: SIM115 -- closed in the finally below
            except FileExistsError:
                continue
            break
        else:
            raise FileExistsError(errno.EEXIST, "No usable temporary file name found")
        try:
            sha256 = hashlib.sha256() if hash_prefix is not None else None
            bar = _Progress(file_size, progress)
            try:
                while True:
                    buffer = u.read(READ_DATA_CHUNK)
                    if not buffer:
                        break
                    f.write(buffer)
                    if sha256 is not None:
                        sha256.update(buffer)
                    bar.update(len(buffer))
            finally:
                bar.close()
            f.close()
            if sha256 is not None:
                digest = sha256.hexdigest()
                if digest[:len(hash_prefix)] != hash_prefix:
                    raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
            shutil.move(f.name, dst)
        finally:
            f.close()
            if os.path.exists(f.name):
                os.remove(f.name)


def _is_legacy_zip_format(filename):
    """A zip holding exactly one file: PyTorch's older checkpoints were shipped zipped this way
    (a torch.save archive is a zip of several entries; a pyautograd.save file of no tensors is
    a zip of its manifest alone, which is not unpacked)."""
    if zipfile.is_zipfile(filename):
        with zipfile.ZipFile(filename) as zf:
            infolist = zf.infolist()
        return len(infolist) == 1 and not infolist[0].is_dir() and infolist[0].filename != "manifest.json"
    return False


def _legacy_zip_load(filename, model_dir, map_location, weights_only):
    with zipfile.ZipFile(filename) as f:
        members = f.infolist()
        if len(members) != 1:
            raise RuntimeError("Only one file(not dir) is allowed in the zipfile")
        name = members[0].filename
        if os.path.isabs(name) or ".." in name.replace("\\", "/").split("/"):
            raise RuntimeError(f"refusing to extract {name!r} outside {model_dir}")
        f.extract(members[0], model_dir)
    return _load(os.path.join(model_dir, name), map_location=map_location, weights_only=weights_only)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """Loads the object serialized at `url`, downloading it first unless it is already cached.

    The file is kept as ``<model_dir>/<file name>``, where model_dir defaults to
    ``<get_dir()>/checkpoints`` and the file name to the URL's last path component.

    Args:
        url: the URL of the checkpoint (pyautograd.save or torch.save format, or a zip holding
            exactly one such file).
        model_dir: the directory the file is saved in.
        map_location: passed to ``pyautograd.load`` (only the CPU exists here).
        progress: whether to report download progress on stderr.
        check_hash: if True, the file name must have the form ``name-<hash>.ext``, where
            <hash> is the first hex digits of the file's SHA-256; a mismatch raises RuntimeError.
        file_name: the cached file's name (instead of the URL's).
        weights_only: passed to ``pyautograd.load``.
    """
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stderr.write(f'Downloading: "{url}" to {cached_file}\n')
        hash_prefix = None
        if check_hash:
            r = HASH_REGEX.search(filename)
            hash_prefix = r.group(1) if r else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    if _is_legacy_zip_format(cached_file):
        return _legacy_zip_load(cached_file, model_dir, map_location, weights_only)
    return _load(cached_file, map_location=map_location, weights_only=weights_only)


# --- hubconf.py entry points -------------------------------------------------------------------

class _SysPath:
    """Puts a directory first on sys.path while a hubconf.py (and what it imports) loads."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        sys.path.insert(0, self.path)

    def __exit__(self, *exc):
        try:
            sys.path.remove(self.path)
        except ValueError:
            pass


def _import_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load_hubconf(repo_dir):
    path = os.path.join(repo_dir, MODULE_HUBCONF)
    if not os.path.isfile(path):
        raise FileNotFoundError(errno.ENOENT, f"{MODULE_HUBCONF} not found in {repo_dir}", path)
    return _import_module(MODULE_HUBCONF, path)


def _check_dependencies(module):
    dependencies = getattr(module, VAR_DEPENDENCY, None)
    if dependencies is not None:
        missing = [pkg for pkg in dependencies if importlib.util.find_spec(pkg) is None]
        if missing:
            raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")


def _load_entry_from_hubconf(module, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    _check_dependencies(module)
    func = getattr(module, model, None)
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def _entrypoints(repo_dir):
    with _SysPath(repo_dir):
        module = _load_hubconf(repo_dir)
    # Names starting with '_' are the hubconf's own helpers, as in PyTorch.
    return [f for f in dir(module) if callable(getattr(module, f)) and not f.startswith("_")]


def _parse_repo_info(github):
    if ":" in github:
        repo_info, ref = github.split(":")
    else:
        repo_info, ref = github, None
    repo_owner, repo_name = repo_info.split("/")
    if ref is None:
        # The default branch is main if it exists, else master (PyTorch's assumption).
        try:
            with urlopen(f"{GITHUB_URL}/{repo_owner}/{repo_name}/tree/main/"):  # noqa: S310
                ref = "main"
        except HTTPError as e:
            if e.code != 404:
                raise
            ref = "master"
        except URLError as e:
            # No connection: fall back on a cached checkout.
            for possible in ("main", "master"):
                if os.path.exists(os.path.join(get_dir(), f"{repo_owner}_{repo_name}_{possible}")):
                    ref = possible
                    break
            if ref is None:
                raise RuntimeError("It looks like there is no internet connection and the repo could not "
                                   f"be found in the cache ({get_dir()})") from e
    return repo_owner, repo_name, ref


def _check_repo_is_trusted(repo_owner, repo_name, owner_name_branch, trust_repo):
    hub_dir = get_dir()
    filepath = os.path.join(hub_dir, "trusted_list")
    if not os.path.exists(filepath):
        open(filepath, "a").close()  # noqa: SIM115 -- creating the empty list
    with open(filepath) as file:
        trusted_repos = tuple(line.strip() for line in file)
    # A repository already downloaded before the trusted list existed counts as trusted.
    trusted_legacy = next(os.walk(hub_dir))[1]
    owner_name = "_".join([repo_owner, repo_name])
    is_trusted = (owner_name in trusted_repos or owner_name_branch in trusted_legacy
                  or repo_owner in _TRUSTED_REPO_OWNERS)
    if trust_repo is False or (trust_repo == "check" and not is_trusted):
        response = input(f"The repository {owner_name} does not belong to the list of trusted repositories and "
                         "as such cannot be downloaded. Do you trust this repository and wish to add it to the "
                         "trusted list of repositories (y/N)?")
        if response.lower() in ("y", "yes"):
            if is_trusted:
                print("The repository is already trusted.")
        elif response.lower() in ("n", "no", ""):
            raise Exception("Untrusted repository.")  # noqa: TRY002 -- PyTorch raises this exact kind
        else:
            raise ValueError(f"Unrecognized response {response}.")
    if not is_trusted:
        with open(filepath, "a") as file:
            file.write(owner_name + "\n")


def _read_url(url):
    headers = {"User-Agent": "torch.hub"}
    token = os.environ.get(ENV_GITHUB_TOKEN)
    if token is not None:
        headers["Authorization"] = f"token {token}"
    with urlopen(Request(url, headers=headers)) as r:  # noqa: S310
        return json.loads(r.read().decode(r.headers.get_content_charset("utf-8")))


def _validate_not_a_forked_repo(repo_owner, repo_name, ref):
    """Raises ValueError unless `ref` is a branch, tag or commit of the repository itself (a
    fork's commits are reachable through the original's URL: GitHub's API tells them apart)."""
    url_prefix = f"{GITHUB_API_URL}/repos/{repo_owner}/{repo_name}"
    for kind in ("branches", "tags"):
        page = 0
        while True:
            page += 1
            response = _read_url(f"{url_prefix}/{kind}?per_page=100&page={page}")
            if not response:
                break
            for entry in response:
                if entry["name"] == ref or entry["commit"]["sha"].startswith(ref):
                    return
    raise ValueError(f"Cannot find {ref} in https://github.com/{repo_owner}/{repo_name}. "
                     "If it's a commit from a forked repo, please call hub.load() with forked repo directly.")


def _safe_extract_zip(zf, extract_to):
    root = os.path.realpath(extract_to)
    for member in zf.infolist():
        target = os.path.realpath(os.path.join(extract_to, member.filename))
        if os.path.commonpath([root, target]) != root:
            raise ValueError(f"{member.filename} is outside {extract_to}: not extracting a path traversal")
    zf.extractall(extract_to)


def _remove_if_exists(path):
    if os.path.isfile(path):
        os.remove(path)
    elif os.path.exists(path):
        shutil.rmtree(path)


def _get_cache_or_reload(github, force_reload, trust_repo, verbose=True, skip_validation=False):
    """The local checkout of `github` ('owner/repo[:ref]') under get_dir(), downloading its
    zip archive (and unpacking it) unless a cached one is there."""
    hub_dir = get_dir()
    os.makedirs(hub_dir, exist_ok=True)
    repo_owner, repo_name, ref = _parse_repo_info(github)
    normalized_br = ref.replace("/", "_")  # branch names may hold '/', paths may not
    owner_name_branch = "_".join([repo_owner, repo_name, normalized_br])
    repo_dir = os.path.join(hub_dir, owner_name_branch)
    _check_repo_is_trusted(repo_owner, repo_name, owner_name_branch, trust_repo=trust_repo)
    if not force_reload and os.path.exists(repo_dir):
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
        return repo_dir
    if not skip_validation:
        _validate_not_a_forked_repo(repo_owner, repo_name, ref)
    cached_file = os.path.join(hub_dir, normalized_br + ".zip")
    _remove_if_exists(cached_file)
    url = f"{GITHUB_URL}/{repo_owner}/{repo_name}/zipball/{ref}"
    sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
    download_url_to_file(url, cached_file, progress=False)
    with zipfile.ZipFile(cached_file) as zf:
        # GitHub's archive holds one top folder (named owner-repo-sha), listed first.
        extracted_repo = os.path.join(hub_dir, zf.infolist()[0].filename.split("/")[0])
        _remove_if_exists(extracted_repo)
        _safe_extract_zip(zf, hub_dir)
    _remove_if_exists(cached_file)
    _remove_if_exists(repo_dir)
    shutil.move(extracted_repo, repo_dir)
    return repo_dir


def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True):  # noqa: A001
    """The entry points (public callables) the hubconf.py of GitHub repository `github`
    ('owner/repo[:ref]') declares, downloading the repository unless it is cached.

    trust_repo: False asks before downloading; "check" asks unless the repository is in the
    trusted list (get_dir()/trusted_list) or was downloaded before; True trusts it (and adds it
    to the list).
    """
    repo_dir = _get_cache_or_reload(github, force_reload, trust_repo, verbose=verbose,
                                    skip_validation=skip_validation)
    return _entrypoints(repo_dir)


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check"):  # noqa: A001
    """The docstring of entry point `model` of GitHub repository `github`'s hubconf.py."""
    repo_dir = _get_cache_or_reload(github, force_reload, trust_repo, verbose=True, skip_validation=skip_validation)
    with _SysPath(repo_dir):
        module = _load_hubconf(repo_dir)
    return _load_entry_from_hubconf(module, model).__doc__


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False, verbose=True,
         skip_validation=False, **kwargs):
    """Calls entry point `model` of a hubconf.py with ``*args, **kwargs`` and returns its result.

    Args:
        repo_or_dir: 'owner/repo[:ref]' for source='github' (downloaded into get_dir() unless
            cached), or a directory holding hubconf.py for source='local'.
        model: the entry point's name.
        source: 'github' or 'local'.
        trust_repo, force_reload, verbose, skip_validation: as PyTorch's (GitHub only).
    """
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        repo_or_dir = _get_cache_or_reload(repo_or_dir, force_reload, trust_repo, verbose=verbose,
                                           skip_validation=skip_validation)
    with _SysPath(repo_or_dir):
        module = _load_hubconf(repo_or_dir)
        entry = _load_entry_from_hubconf(module, model)
        return entry(*args, **kwargs)
