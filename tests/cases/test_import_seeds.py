"""Importing the two seed articles (front matter + HTML as scraped from a news portal) by the command line:
every field of the contract, the clean body and every figure; a re-import is a duplicate, a changed version
updates the document."""

from __future__ import annotations

import json

import pytest

from rectify.audit.models import AuditEvent
from rectify.cases.models import CaseDocument, CaseFact
from rectify.cli import main

pytestmark = pytest.mark.django_db

TRAINING_PARAGRAPHS = [
    "记者日前从云南省纪委监委获悉，针对中央第十巡视组巡视云南反馈一些地方问责不严、定责不准、问责泛化简单化等问题，"
    "该省纪委监委围绕明责、履责、督责、问责等关键环节，首次举办全省纪检监察机关问责专题业务培训班。据了解，本次培训"
    "省纪委监委设主会场，16个州（市）设分会场，通过视频系统实现近1400人实时在线参训。",
    "为开展此次培训，该省前期精心策划，注重课程设计与实例教学。课程设计分制度、实务、规范、评价四个层面，紧紧围绕问责"
    "关键环节，从如何精准问责、组织调查、问题定性、区分责任、纪法尺度、激励谈心谈话六方面内容开展实务教学。",
    "“在案例的选择上，我们以省纪委监委查办各领域的典型案件为主，授课同志都是承办案件主要负责人、具体参与的干部。”"
    "该省纪委监委党风政风监督室副主任董琦介绍，本次培训对德宏傣族景颇族自治州瑞丽市疫情防控形式主义官僚主义问题、"
    "大理白族自治州违规截留口罩事件、西双版纳傣族自治州种茶毁林、曲靖市宣威市海岱镇旧屋村饮水工程造假问题等案例"
    "进行复盘，在场景重现中增强现场感、代入感，使得参训学员更好理解、学习问责各个环节怎么做，进而把握纪法尺度，"
    "提升问责工作的精准性。",
    "“问责的目的不是追责，而是要让干部尽责”“在贯彻执行《中国共产党问责条例》中，重点把握好问责的主体及其职责、"
    "责任划分、问责情形等问题”……讲授既有理论高度，又有实践深度。参训干部深有感触：“认真听下来才发现类似问题自己在"
    "工作中也遇到过，培训既是对过去问责工作的一次检视，又像一个加油站，对自己开展好工作帮助很大。”",
    "高质量问责，离不开高素质的纪检监察干部作支撑。为强化问责专业人员力量，以干促训，省纪委监委组建了89人的问责业务"
    "人才库，除参加此次培训外，还将陆续参与问责调查、会审、专项督查等工作，在实践中提高问责能力。",
    "“这次培训既是落实巡视整改要求，也是为推动问责工作高质量发展打基础。”云南省纪委副书记、监委副主任李庆元说，"
    "培训建立在近年来大量案件的实践基础之上，复盘案例本身，从不同层面总结教训、积累经验，希望能够引导大家对问责工作"
    "有更深入的思考，不断提升问责的质量和效果，推动问责精准规范有效。",
]

INTERVIEW_FIRST = ("记者从云南省委巡视办获悉，11月13日至15日，云南省委巡视工作领导小组对十届省委第十四轮巡视“回头看”"
                   "问题整改不到位的12个单位党组织、有关派驻纪检监察组负责人或班子全体成员分3场进行约谈，压实责任、"
                   "传导压力，推动巡视反馈问题整改落实到位。")
INTERVIEW_LAST = ("在3个月集中整改期限内，云南省纪委监委有关监督检查室把督促整改作为强化政治监督和做实日常监督的重要抓手，"
                  "综合运用召开推进会、专题会商、谈话提醒等方式加强监督检查，掌握整改进度，推动被巡视单位党组织落实整改"
                  "责任。同时，对整改不力、拒不整改、高举轻放、应付交差、企图蒙混过关甚至虚假整改的，严肃追责、公开曝光。")


def _run(capsys, *args: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    code = main(["import-cases", *args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.fixture
def seed_files(tmp_path, seed_bytes):  # type: ignore[no-untyped-def]
    training = tmp_path / "000_87c69ff5cc9fe2fe.txt"
    interview = tmp_path / "002_c48d9da7de4fa89f.txt"
    training.write_bytes(seed_bytes["training"])
    interview.write_bytes(seed_bytes["interview"])
    return training, interview


def _facts(doc: dict) -> list[tuple]:
    return [(f["value"], f["approx"], f["unit"], f["what"]) for f in doc["facts"]]


def test_the_training_article_with_every_field_its_clean_body_and_its_figures(capsys, seed_files):
    code, out = _run(capsys, str(seed_files[0]))
    assert code == 0
    assert set(out) == {"documents", "created", "duplicates", "errors"}
    assert (out["created"], out["duplicates"], out["errors"]) == (1, 0, [])
    [doc] = out["documents"]
    assert set(doc) == {"id", "title", "date", "source", "author", "editor", "categories", "paragraphs", "facts",
                        "duplicate"}
    assert doc["title"] == "中纪委：云南开展精准问责培训，瑞丽防疫不力成典型案例"
    assert doc["date"] == "2021-04-11"  # Sun, 11 Apr 2021 03:28:25 GMT is 11:28 in Shanghai
    assert doc["source"] == "新浪财经"
    assert doc["author"] == "中央纪委国家监委网站 孟庆毅 通讯员 罗婷婷"  # the byline paragraph, nothing else in it
    assert doc["editor"] == "李思阳"
    assert doc["categories"] == ["金融", "新浪财经", "新浪财经－国內"]
    assert doc["paragraphs"] == TRAINING_PARAGRAPHS
    assert doc["duplicate"] is False
    body = "".join(doc["paragraphs"])
    for boilerplate in ("APP", "责任编辑", "原标题", "appendQr", "{", "&#", "<", "news_keyword", "通讯员", "　"):
        assert boilerplate not in body
    assert _facts(doc) == [
        (16, "", "个", "州（市）"),
        (1400, "近", "人", "实时在线参训"),
        (4, "", "个", "层面"),
        (6, "", "方面", "内容"),
        (89, "", "人", "问责业务人才库"),
    ]
    assert doc["facts"][1]["text"] == ("据了解，本次培训省纪委监委设主会场，16个州（市）设分会场，通过视频系统实现近1400人"
                                       "实时在线参训。")
    assert doc["facts"][4]["text"].startswith("为强化问责专业人员力量") and "89人的问责业务人才库" in doc["facts"][4]["text"]
    stored = CaseDocument.objects.get(pk=doc["id"])
    assert stored.original_title == "云南开展精准问责培训 瑞丽防疫不力成典型案例"
    assert stored.region == "云南省" and stored.file_format == "seed"
    assert AuditEvent.objects.filter(action="case_document.imported", object_id=str(stored.pk)).count() == 1


def test_the_interview_article_cuts_the_byline_and_keeps_the_rest_of_its_paragraph(capsys, seed_files):
    code, out = _run(capsys, str(seed_files[1]))
    assert code == 0
    [doc] = out["documents"]
    assert doc["title"] == "云南12家单位巡视整改不力被约谈"
    assert doc["date"] == "2021-11-26"  # Thu, 25 Nov 2021 23:45:27 GMT is the next morning in Shanghai
    assert doc["source"] == "新浪财经"
    assert doc["author"] == "记者 李灵娜"
    assert doc["editor"] == "梁斌"  # the work code SF055 is not part of the name
    assert doc["categories"] == ["金融", "新浪财经", "新浪财经－国內"]
    assert len(doc["paragraphs"]) == 8
    assert doc["paragraphs"][0] == INTERVIEW_FIRST
    assert doc["paragraphs"][-1] == INTERVIEW_LAST
    assert doc["paragraphs"][3].startswith("“对巡视反馈意见和审计监督发现问题整改落实不到位")
    assert not any("本报讯" in p or "责任编辑" in p or "APP" in p for p in doc["paragraphs"])
    assert _facts(doc) == [
        (12, "", "个", "单位党组织"),
        (3, "", "场", "进行约谈"),
        (14, "", "个", "省直部门"),
        (6, "", "个", "省属企业"),
        (20, "", "个", "党组织"),
        (624, "", "个", "各类问题"),
        (158, "", "件", "领导干部问题线索"),
        (6, "", "个", "省直部门"),
        (6, "", "家", "省属企业负责人"),
        (3, "", "个月", "集中整改期限内"),
    ]
    assert doc["facts"][5]["text"] == "本轮巡视“回头看”共发现各类问题624个，发现领导干部问题线索158件，其中，既发现了一批整改不力的问题，又发现了一些新问题。"


def test_importing_the_same_content_again_is_a_duplicate_with_every_field_and_no_second_row(capsys, seed_files,
                                                                                           tmp_path):
    _run(capsys, *map(str, seed_files))
    renamed = tmp_path / "copy-under-another-name.html"
    renamed.write_bytes(seed_files[1].read_bytes().replace(b"<p>", b"<p>  "))  # the same text, other spacing
    code, out = _run(capsys, str(seed_files[0]), str(renamed))
    assert code == 0
    assert (out["created"], out["duplicates"]) == (0, 2)
    assert [d["duplicate"] for d in out["documents"]] == [True, True]
    assert out["documents"][1]["title"] == "云南12家单位巡视整改不力被约谈"
    assert len(out["documents"][1]["facts"]) == 10 and len(out["documents"][1]["paragraphs"]) == 8
    assert CaseDocument.objects.count() == 2
    assert CaseFact.objects.count() == 15


def test_a_changed_version_updates_the_document(capsys, seed_files, tmp_path):
    _, first = _run(capsys, str(seed_files[1]))
    changed = tmp_path / "changed.txt"
    changed.write_bytes(seed_files[1].read_bytes().replace("共发现各类问题624个".encode(), "共发现各类问题625个".encode()))
    code, out = _run(capsys, str(changed))
    assert code == 0 and (out["created"], out["duplicates"]) == (0, 0)
    [doc] = out["documents"]
    assert doc["id"] == first["documents"][0]["id"] and doc["duplicate"] is False
    assert (625, "", "个", "各类问题") in _facts(doc)
    stored = CaseDocument.objects.get()
    assert stored.version == 2 and "625" in stored.paragraphs[2]


def test_unreadable_files_are_reported_the_others_imported_and_the_exit_code_is_non_zero(capsys, seed_files,
                                                                                        tmp_path):
    binary = tmp_path / "程序.txt"
    binary.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 4)
    code, out = _run(capsys, str(binary), str(seed_files[0]), str(tmp_path / "missing.txt"))
    assert code != 0
    assert [d["title"] for d in out["documents"]] == ["中纪委：云南开展精准问责培训，瑞丽防疫不力成典型案例"]
    assert [e["path"] for e in out["errors"]] == [str(binary), str(tmp_path / "missing.txt")]
    assert "内容无法识别" in out["errors"][0]["message"] and "找不到文件" in out["errors"][1]["message"]
    assert out["created"] == 1


def test_a_directory_imports_its_files_in_name_order(capsys, seed_files, tmp_path):
    code, out = _run(capsys, str(tmp_path))
    assert code == 0
    assert [d["date"] for d in out["documents"]] == ["2021-04-11", "2021-11-26"]
