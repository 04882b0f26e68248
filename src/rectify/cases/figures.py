"""Figures a report states, as facts: value, approximate marker, unit, what is counted and the sentence.

"本轮巡视共发现各类问题624个" → 624 个 of 各类问题; "近1400人实时在线参训" → 1400 人, approx 近; "十二个" → 12;
"两千余人" → 2000 人, approx 余. Not figures: ordinals (第十四轮), dates (11月13日), a lone 一 used as an
article (一批、一次、一个加油站).

How "what" is found (jieba's part-of-speech tags):

1. the nouns right after the unit ("14个省直部门", "89人的问责业务人才库", "16个州（市）");
2. otherwise the nouns right before the number ("各类问题624个", "领导干部问题线索158件");
3. otherwise the words after the unit up to the next punctuation ("近1400人实时在线参训").
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from rectify.core.identifiers import chinese_numeral

_CN = "零〇○一二两三四五六七八九十百千"
UNITS = ("个月", "人次", "万元", "亿元", "方面", "个", "件", "人", "名", "家", "场", "次", "项", "条", "起", "所",
         "户", "处", "批", "篇", "份", "元", "支", "位", "期", "类", "种", "宗", "座", "套", "台", "辆", "亩", "吨")
_PREFIX = ("将近", "大约", "超过", "近", "约", "逾", "超")
_FIGURE = re.compile(
    r"(?<![\d.第" + _CN + r"])"
    r"(?P<pre>将近|大约|超过|近|约|逾|超)?"
    r"(?P<num>\d+(?:\.\d+)?|[" + _CN + r"]+)"
    r"(?P<mult>万|亿)?"
    r"(?P<mid>余|多)?"
    r"(?P<unit>" + "|".join(UNITS) + r")"
    r"(?P<post>余|多)?"
)
_STOP = set("，。；：！？、,.;:!?“”\"‘’'《》…—\n")
_NOUNISH = {"n", "nr", "ns", "nt", "nz", "j", "vn", "ng", "nrt", "nrfg", "an", "l"}
_STOPWORDS = {"共", "等", "和", "与", "及", "其中", "其", "约", "近", "各", "每", "中"}
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』]*|[^。！？!?]+$")


@dataclass(frozen=True)
class Fact:
    value: Decimal
    approx: str
    unit: str
    what: str
    text: str

    def as_json(self) -> dict[str, object]:
        out = asdict(self)
        out["value"] = number_json(self.value)
        return out


def number_json(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _value(num: str, mult: str | None) -> Decimal | None:
    if num[0].isdigit():
        value = Decimal(num)
    else:
        n = chinese_numeral(num)
        if n is None:
            return None
        value = Decimal(n)
    if mult == "万":
        value *= 10_000
    elif mult == "亿":
        value *= 100_000_000
    return value


def _cut(text: str) -> list[tuple[str, str]]:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return [(w.word, w.flag) for w in jieba.posseg.cut(text)]


def _clause_after(text: str) -> str:
    out = []
    for ch in text:
        if ch in _STOP:
            break
        out.append(ch)
    return "".join(out)


def _clause_before(text: str) -> str:
    out = []
    for ch in reversed(text):
        if ch in _STOP:
            break
        out.append(ch)
    return "".join(reversed(out))


def _nouns_after(clause: str) -> str:
    words = _cut(clause)
    if words and words[0][0] == "的":
        words = words[1:]
    picked: list[str] = []
    depth = 0
    for word, flag in words:
        if word in ("（", "("):
            depth += 1
            picked.append(word)
            continue
        if word in ("）", ")") and depth:
            depth -= 1
            picked.append(word)
            continue
        if depth or (flag in _NOUNISH and word not in _STOPWORDS):
            picked.append(word)
            continue
        break
    while picked and picked[-1] in ("（", "("):
        picked.pop()
    return "".join(picked)


def _nouns_before(clause: str) -> str:
    words = _cut(clause)
    picked: list[str] = []
    for word, flag in reversed(words):
        if flag in _NOUNISH and word not in _STOPWORDS:
            picked.insert(0, word)
            continue
        if picked and flag in ("r", "a", "b") and word not in _STOPWORDS:
            picked.insert(0, word)
        break
    return "".join(picked)


def _sentences(paragraph: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in _SENTENCE.finditer(paragraph) if m.group(0).strip()]


def extract_facts(paragraphs: list[str]) -> list[Fact]:
    """Every figure of the paragraphs, in reading order."""
    facts: list[Fact] = []
    for paragraph in paragraphs:
        for _start, sentence in _sentences(paragraph):
            for m in _FIGURE.finditer(sentence):
                num = m.group("num")
                if num in ("一", "两", "二") and not m.group("mult") and m.group("unit") not in ("万元", "亿元"):
                    if num == "一" or m.group("unit") in ("批", "次", "种", "类", "期"):
                        continue  # 一批、一次、两类: an article or a kind, not a count
                value = _value(num, m.group("mult"))
                if value is None or value <= 0:
                    continue
                approx = m.group("pre") or m.group("mid") or m.group("post") or ""
                after = _clause_after(sentence[m.end():])
                what = _nouns_after(after)
                if not what:
                    what = _nouns_before(_clause_before(sentence[:m.start()]))
                if not what:
                    what = after.removeprefix("的")[:12]
                facts.append(Fact(value=value, approx=approx, unit=m.group("unit"), what=what,
                                  text=sentence.strip()))
    return facts
