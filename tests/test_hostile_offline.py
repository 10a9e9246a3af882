"""Offline for real (issue 12, item 9): a model name is a local path or the shipped model, never a download; a full
scan, the segmenter loaded, runs with the network cut off."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fairreview import Engine, Settings
from fairreview.match.segmenter import SHIPPED_MODEL_DIR
from fairreview.settings import Overrides, SettingsError, find_config, load_settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# Started before fairreview: every attempt to reach another machine is recorded and refused; local sockets (the
# pipes of the worker processes) still work. It also records that the segmentation model was really loaded.
GUARD = '''
import os, socket
_log = os.environ["FAIRREVIEW_TEST_NET_LOG"]
def _refuse(what):
    with open(_log, "a", encoding="utf-8") as fh:
        fh.write(what + "\\n")
    raise OSError("network disabled by the test")
_connect = socket.socket.connect
def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(f"connect {address!r}")
    return _connect(self, address)
socket.socket.connect = connect
socket.socket.connect_ex = lambda self, address: connect(self, address)
socket.getaddrinfo = lambda *a, **k: _refuse(f"getaddrinfo {a!r}")
socket.create_connection = lambda address, *a, **k: _refuse(f"create_connection {address!r}")
import fairreview.match.segmenter as _seg
_load = _seg._load_pkuseg
def _spy(path):
    with open(os.environ["FAIRREVIEW_TEST_MODEL_LOG"], "a", encoding="utf-8") as fh:
        fh.write(str(path) + "\\n")
    return _load(path)
_seg._load_pkuseg = _spy
'''


# A rule that asks for word boundaries: the segmenter is loaded only for such a rule (the built-in lexicons have
# none), and this test is about the segmenter too.
WORD_RULE = """family: YX
title: 分词测试词库
rules:
  - code: YX001
    name: county-platform-company
    title: 指定县属平台公司承担业务
    provisions: [FCR-8-3, FCRIM-11-1]
    severity: error
    message: 指定县属平台公司承担应通过竞争方式确定的业务。
    suggestion: 改为通过公开招标等竞争方式确定承接主体。
    patterns:
      - any: [城投公司]
        all: [[负责, 承担, 实施, 承接, 统一]]
        word: true
    examples:
      violation: [县城区道路保洁统一由城投公司负责实施。, 全县农村公路养护由城投公司承担。]
      compliant: [不得指定城投公司承担应当通过竞争方式确定的业务。, 城投公司作为县属国有企业，依法参与市场竞争。]
"""


@pytest.fixture
def word_rule(tmp_path: Path) -> list[str]:
    """Options and a document that make a scan segment words."""
    (tmp_path / "lexicon").mkdir()
    (tmp_path / "lexicon" / "words.yaml").write_text(WORD_RULE, encoding="utf-8")
    (tmp_path / "城投.txt").write_text("县城区保洁管理办法\n第一条 县城区道路保洁统一由城投公司负责实施。\n", encoding="utf-8")
    return ["--lexicon", str(tmp_path / "lexicon"), str(tmp_path / "城投.txt")]


@pytest.fixture
def news_model(tmp_path: Path) -> Path:
    """The shipped model copied to a folder named like a model spacy-pkuseg would download ("news")."""
    target = tmp_path / "news"
    shutil.copytree(SHIPPED_MODEL_DIR, target)
    return target


def test_a_model_name_that_is_not_a_local_folder_is_a_chinese_error(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("news", "web", "medicine", "spacy_ontonotes"):
        with pytest.raises(SettingsError, match="不是本机上的模型文件夹.*不联网，不会下载模型"):
            load_settings(Overrides(pkuseg_model=name), config=find_config(tmp_path))
    (tmp_path / "empty").mkdir()
    with pytest.raises(SettingsError, match="缺少 features.msgpack、weights.npz"):
        load_settings(Overrides(pkuseg_model="empty"), config=find_config(tmp_path))
    (tmp_path / "fairreview.toml").write_text('pkuseg-model = "news"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="配置文件 .*fairreview.toml：pkuseg-model news"):
        load_settings(config=find_config(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "fairreview", "scan", str(EXAMPLES), "--pkuseg-model", "web"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and "不会下载模型" in proc.stderr and "Traceback" not in proc.stderr


def test_a_local_folder_named_like_a_download_is_used_as_a_path(news_model: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(news_model.parent)
    settings = load_settings(Overrides(pkuseg_model="news"), config=find_config(news_model.parent))
    assert settings.pkuseg_model == str(news_model)  # absolute: spacy-pkuseg never sees the bare name
    # the Python API, given the bare name directly, resolves it the same way
    engine = Engine(Settings(pkuseg_model="news", as_of="2026-11-27"))
    assert engine._load_segmenter().id == engine.segmenter_id


def _offline_env(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
            "FAIRREVIEW_TEST_NET_LOG": str(tmp_path / "net.log"), "FAIRREVIEW_TEST_MODEL_LOG": str(tmp_path / "model.log")}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_scan_runs_with_the_network_disabled(tmp_path: Path, news_model: Path, word_rule: list[str],
                                                    jobs: str) -> None:
    env = _offline_env(tmp_path)
    for extra in ([], ["--pkuseg-model", "news"]):
        proc = subprocess.run([sys.executable, "-m", "fairreview", "scan", str(EXAMPLES), "--no-cache", *word_rule,
                               "--jobs", jobs, "--format", "json", *extra], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        assert proc.returncode == 1, proc.stderr  # findings, as online
        assert '"verdict": "amend"' in proc.stdout and '"rule": "YX001"' in proc.stdout
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "net.log").exists(), (tmp_path / "net.log").read_text()
    loaded = (tmp_path / "model.log").read_text().split()
    assert str(SHIPPED_MODEL_DIR) in loaded and str(news_model) in loaded  # the segmenter really ran


@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare (util-linux) is not installed")
def test_a_full_scan_in_a_namespace_without_network(tmp_path: Path, news_model: Path, word_rule: list[str]) -> None:
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"unshare -n is not permitted here: {probe.stderr.decode(errors='replace').strip()}")
    proc = subprocess.run(["unshare", "-n", sys.executable, "-m", "fairreview", "scan", str(EXAMPLES), "--no-cache",
                           *word_rule, "--pkuseg-model", "news", "--format", "json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr
    assert '"rule": "YX001"' in proc.stdout and "Traceback" not in proc.stderr
