"""Rosaviatsia's announcements in a post's text -> what was announced, where and when.

Pure: a text and the post's time in, :class:`Announcement` records out. The forms
handled are those of the real statements quoted by the press (the shared
``statements.jsonl``):

* the long form with a stated Moscow time and an ICAO code: "временные ограничения на
  их прием и выпуск с 04:45 МСК введены в аэропорту Калуга (Грабцево; код ИКАО: UUBC)";
* the short form: "Аэропорт Ижевск. Введены временные ограничения ..." / "Аэропорты
  Казань, Оренбург. Сняты ограничения ...", with or without the word "Аэропорт";
* the 2026 channel form with emoji and capitals: "▫️Аэропорт КАЛУГА (Грабцево)
  ✈️ВВЕДЕНЫ ...", header and verb on separate lines, one airport a line;
* lists with any separator (commas, dashes, "и", full stops, line breaks, bullets),
  names in any grammatical case and in quotes, proper names in parentheses, typos of
  the verb ("Ведены");
* coordination: "принимает и отправляет рейсы по согласованию с соответствующими
  органами", "скорректированы временные ограничения": a kind of its own.

A text with none of these verbs is not an announcement (an empty list). Airport names
come back as written; resolving them to ICAO codes is the caller's business (a text
may state the code itself: ``icao``). Times are read only where the text marks them
as Moscow time (МСК, мск, по Москве); a stated time more than ``GRACE`` after the post
belongs to the day before.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

KINDS: tuple[str, ...] = ("imposed", "lifted", "coordination")
MOSCOW = ZoneInfo("Europe/Moscow")
#: A stated time up to this long after the post is of the post's day (announced just
#: ahead of its start); later than that, it is of the day before.
GRACE = timedelta(minutes=10)
#: The longest text read (a post is at most 4,096 characters).
MAX_TEXT = 20_000


@dataclass(frozen=True, slots=True)
class Mention:
    """One airport named by an announcement, as written."""

    name: str  # "Ижевска", "КАЛУГА", "Н. Новгород" (quotes dropped)
    hint: str | None = None  # the proper name in parentheses: "Грабцево"
    icao: str | None = None  # a code the text states: "UUBC"
    stated: str | None = None  # a time stated for this airport alone, as written
    stated_at: datetime | None = None  # that time in UTC

    @property
    def written(self) -> str:
        """``Калуга (Грабцево)``: the name and its proper name as the text gives them."""
        return f"{self.name} ({self.hint})" if self.hint else self.name


@dataclass(frozen=True, slots=True)
class Announcement:
    """What one post (or one part of a post) announced."""

    kind: str  # imposed, lifted, coordination
    mentions: tuple[Mention, ...]
    stated: str | None = None  # a time stated for all its airports, as written
    stated_at: datetime | None = None  # that time in UTC
    issues: tuple[str, ...] = ()

    def time_of(self, mention: Mention) -> datetime | None:
        """The time stated for an airport: its own, else the announcement's."""
        return mention.stated_at or self.stated_at


# --------------------------------------------------------------------------- verbs

_L = "а-яёa-z"
_IMPOSED = re.compile(
    rf"(?<![{_L}])(?:в?веден[ыао]?|установлен[ыао]?|закрыт[ыао]?|приостановлен[ыао]?)(?![{_L}])"
    rf"|(?<![{_L}])(?:временно\s+)?не\s+принимает\s+и\s+не\s+(?:отправляет|выпускает)"
)
_LIFTED = re.compile(
    rf"(?<![{_L}])снят[ыао]?(?![{_L}])"
    rf"|(?<![{_L}])возобновил[аио]?\s+(?:работу|обслуживание|прием|полеты)"
)
_COORDINATION = re.compile(
    rf"по\s+согласованию\s+с|(?<![{_L}])скорректирован[ыао]?(?![{_L}])|внесены\s+коррективы"
)
_RESTRICTION = re.compile(r"ограничени")
#: Verbs that say it without the word "ограничения".
_SELF_EVIDENT = re.compile(r"закрыт|не\s+принимает|возобновил")
#: How far from its verb the word "ограничения" may be.
_NEAR = 120


@dataclass(frozen=True, slots=True)
class _Verb:
    kind: str
    start: int
    end: int


_NEGATED_BEFORE = re.compile(rf"(?<![{_L}])не\s+(?:были\s+|будут\s+)?$")
_NEGATED_AFTER = re.compile(r"\s+не\s+(?:будут|были)(?![а-я])")


def _verbs(folded: str) -> list[_Verb]:
    found: list[_Verb] = []
    for kind, pattern in (
        ("coordination", _COORDINATION),
        ("lifted", _LIFTED),
        ("imposed", _IMPOSED),
    ):
        for m in pattern.finditer(folded):
            if _NEGATED_BEFORE.search(folded, max(0, m.start() - 12), m.start()) or (
                _NEGATED_AFTER.match(folded, m.end())
            ):
                continue  # "не сняты", "сняты не будут"
            if kind != "coordination" and not _SELF_EVIDENT.match(m.group()):
                window = folded[max(0, m.start() - _NEAR) : m.end() + _NEAR]
                if not _RESTRICTION.search(window):
                    continue
            found.append(_Verb(kind, m.start(), m.end()))
    return sorted(found, key=lambda v: v.start)


# --------------------------------------------------------------------------- text


def _clean(text: str) -> str:
    """Emoji and other symbols become separators (" | "); control characters spaces."""
    out: list[str] = []
    for ch in text[:MAX_TEXT]:
        cat = unicodedata.category(ch)
        if ch in "\n\t":
            out.append(ch)
        elif cat in ("So", "Sk", "Co", "Cs") or ch in "\ufe0f\ufe0e\u200d\u20e3":
            if not out or out[-1] != "|":
                out.append("|")
        elif cat.startswith("C") or cat == "Zl" or cat == "Zp":
            out.append("\n" if cat in ("Zl", "Zp") else " ")
        else:
            out.append(ch)
    return "".join(out)


def _fold(text: str) -> str:
    """Lower case with ё as е, of exactly the same length (positions stay valid)."""
    out = []
    for ch in text:
        low = ch.lower()
        out.append(low if len(low) == 1 else ch)
    return "".join(out).replace("ё", "е")


# --------------------------------------------------------------------------- times

_TIME = re.compile(
    r"(?:[-–—]\s*)?(?:(?<![\w])(?:с|в|от)\s+)?(?<![\d.:])([0-2]?\d)[:.]([0-5]\d)(?![\d])"
    r"\s*(?:\(\s*)?(мск|msk|по\s+москве|по\s+московскому\s+времени)(?![а-яa-z])"
)


def moscow_time(hour: int, minute: int, posted_at: datetime) -> datetime | None:
    """A Moscow time of day stated by a post, in UTC: the post's day, or the day before
    when it would be more than ``GRACE`` after the post."""
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    local = posted_at.astimezone(MOSCOW)
    when = datetime(local.year, local.month, local.day, hour, minute, tzinfo=MOSCOW)
    if when - posted_at > GRACE:
        day = local.date() - timedelta(days=1)
        when = datetime(day.year, day.month, day.day, hour, minute, tzinfo=MOSCOW)
    return when.astimezone(UTC)


# --------------------------------------------------------------------------- reading


def read_announcements(text: str, posted_at: datetime) -> list[Announcement]:
    """The announcements of one post (none when it announces nothing)."""
    clean = _clean(text)
    folded = _fold(clean)
    verbs = _verbs(folded)
    if not verbs:
        return []
    out: list[Announcement] = []
    for start, end in _pieces(clean, folded, verbs):
        piece_verbs = [v for v in verbs if start <= v.start < end]
        if not piece_verbs:
            continue
        announcement = _read_piece(clean[start:end], folded[start:end], piece_verbs, start)
        out.append(_with_times(announcement, posted_at))
    return out


def _pieces(clean: str, folded: str, verbs: list[_Verb]) -> list[tuple[int, int]]:
    """One piece for a post of one kind; else its paragraphs (a paragraph without a
    verb goes with the next one: the 2026 header line before its verb line)."""
    if len({v.kind for v in verbs}) == 1:
        return [(0, len(clean))]
    bounds = [0] + [m.end() for m in re.finditer(r"\n", clean)] + [len(clean)]
    pieces: list[tuple[int, int]] = []
    start = 0
    for a, b in zip(bounds, bounds[1:], strict=False):
        if any(a <= v.start < b for v in verbs):
            pieces.append((start, b))
            start = b
    if start < len(clean) and pieces:
        pieces[-1] = (pieces[-1][0], len(clean))
    return pieces or [(0, len(clean))]


def _read_piece(clean: str, folded: str, verbs: list[_Verb], offset: int) -> Announcement:
    kinds = [v.kind for v in verbs]
    kind = "coordination" if "coordination" in kinds else kinds[0]
    first = verbs[0].start - offset
    first_end = verbs[0].end - offset
    issues: list[str] = []
    if len(set(kinds) - {"coordination"}) > 1:
        issues.append(f"verbs of more than one kind ({', '.join(dict.fromkeys(kinds))})")
    used: set[int] = set()
    mentions = (
        _anchored(clean, folded, 0, first, header=True, used=used)
        or _anchored(clean, folded, first_end, len(clean), header=False, used=used)
        or _listed(clean, folded, 0, first, used=used)
    )
    if not mentions:
        issues.append("no airport named")
    stated = None
    for m in _TIME.finditer(folded):
        if m.start(1) not in used:
            stated = (clean[m.start() : m.end()].strip(" -–—"), m)
            break
    return Announcement(
        kind=kind,
        mentions=tuple(mentions),
        stated=stated[0] if stated else None,
        issues=tuple(issues),
        stated_at=_placeholder(stated[1]) if stated else None,
    )


def _placeholder(m: re.Match[str]) -> datetime:
    """The stated hour and minute, kept until the post's day is known (see _with_times)."""
    return datetime(2000, 1, 1, int(m.group(1)) % 24, int(m.group(2)), tzinfo=UTC)


def _with_times(a: Announcement, posted_at: datetime) -> Announcement:
    def resolve(value: datetime | None) -> datetime | None:
        return None if value is None else moscow_time(value.hour, value.minute, posted_at)

    mentions = tuple(
        Mention(m.name, m.hint, m.icao, m.stated, resolve(m.stated_at)) for m in a.mentions
    )
    return Announcement(a.kind, mentions, a.stated, resolve(a.stated_at), a.issues)


# --------------------------------------------------------------------------- names

_ANCHOR = re.compile(rf"(?<![{_L}])аэропорт(?:ы|а|у|ов|ам|ами|ах|е|ом)?(?![{_L}])")
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")
_QUOTES = {"«": "»", "“": "”", "„": "“", '"': '"', "‹": "›", "'": "'", "”": "”"}
_ICAO = re.compile(r"(?:код\s+икао\s*:?\s*)?([A-Z]{4})", re.I)
_VOWELS = set("аеёиоуыэюяaeiouy")


def _anchored(
    clean: str, folded: str, start: int, end: int, *, header: bool, used: set[int]
) -> list[Mention]:
    """The names listed after the first word "аэропорт(ы/а/у/...)" that lists any.
    After the verb (``header`` false), an anchor inside parentheses is a remark
    ("в аэропорту Краснодара – в дополнение к действующему NOTAM") and a full stop
    ends the list."""
    for m in _ANCHOR.finditer(folded, start, end):
        if not header and clean[start : m.start()].count("(") > clean[start : m.start()].count(")"):
            continue
        found, _ok = _scan(clean, folded, m.end(), end, header=header, used=used)
        if found:
            return found
    return []


def _listed(clean: str, folded: str, start: int, end: int, *, used: set[int]) -> list[Mention]:
    """A header that is nothing but a list of names ("Тамбов (Донское). Введены ...",
    "– КРАСНОДАР (Пашковский) СОЧИ ВВЕДЕНЫ ...")."""
    trial: set[int] = set()
    found, ok = _scan(clean, folded, start, end, header=True, used=trial, pure=True)
    if ok and found:
        used |= trial
        return found
    return []


@dataclass
class _Building:
    words: list[str]
    hint: str | None = None
    icao: str | None = None
    stated: str | None = None
    stated_at: datetime | None = None
    closed: bool = False  # its parentheses came: a next word starts another name

    def mention(self) -> Mention:
        name = " ".join(self.words).strip(" .")
        return Mention(name, self.hint, self.icao, self.stated, self.stated_at)


def _scan(
    clean: str,
    folded: str,
    i: int,
    end: int,
    *,
    header: bool,
    used: set[int],
    pure: bool = False,
) -> tuple[list[Mention], bool]:
    """Read a list of names from ``i``; stop at the first word that is not a name (a
    lower-case word other than "и"), or at ``end``. Returns the names and whether the
    list ran to ``end`` (for a header that must be nothing but names)."""
    names: list[_Building] = []
    current: _Building | None = None
    pending: re.Match[str] | None = None
    per_airport = False
    while i < end:
        ch = clean[i]
        if ch.isspace() or ch in ",;:|/&–—-·•*)":
            if (ch == "\n" or ch in ",;|–—-·•") and current is not None:
                current.closed = True
            i += 1
            continue
        t = _TIME.match(folded, i, end)
        if t:
            pending = t
            i = t.end()
            continue
        if ch == ".":
            if not header:
                break
            if current is not None:
                current.closed = True
            i += 1
            continue
        if ch == "(":
            stop = _closing(clean, i, end, ")", missing=end)
            if current is not None:
                _paren(current, clean[i + 1 : stop])
                current.closed = True
            i = stop + 1
            continue
        if ch in _QUOTES:
            close = _closing(clean, i, end, _QUOTES[ch], missing=-1)
            if close == -1:
                i += 1
                continue
            inner = " ".join(clean[i + 1 : close].split())
            if inner and (current is None or current.closed):
                per_airport |= _settle(pending, names, clean, used)
                pending = None
                current = _Building([inner], closed=True)
                names.append(current)
            elif inner and current is not None and current.hint is None:
                current.hint = inner
                current.closed = True
            i = close + 1
            continue
        w = _WORD.match(clean, i, end)
        if w is None:
            break  # a digit or a sign: not part of a list
        word, low = w.group(), folded[w.start() : w.end()]
        if low == "и" or _ANCHOR.fullmatch(low):
            if current is not None:
                current.closed = True
            i = w.end()
            continue
        if not word[0].isupper():
            break
        dot = w.end() < end and clean[w.end()] == "."
        abbrev = dot and len(word) <= 3 and not (set(low) & _VOWELS)
        if current is None or current.closed:
            # a time followed by more names belongs to the name before it
            per_airport |= _settle(pending, names, clean, used)
            pending = None
            current = _Building([])
            names.append(current)
        current.words.append(word + ("." if abbrev else ""))
        i = w.end() + (1 if abbrev else 0)
    if per_airport:  # the last name's own time, as the names before had theirs
        _settle(pending, names, clean, used)
    ok = not clean[i:end].strip(" \t\n,;:.|–—-)")
    return [n.mention() for n in names if n.words and n.words[0].strip(".")], ok


def _closing(clean: str, i: int, end: int, mark: str, *, missing: int) -> int:
    """Where the bracket or quote opened at ``i`` closes on its line; a bracket left
    open ("НИЖНЕКАМСК(Бегишево") ends with its line; ``missing`` when neither."""
    close = clean.find(mark, i + 1, end)
    line_end = clean.find("\n", i + 1, end)
    if close != -1 and (line_end == -1 or close < line_end):
        return close
    if mark != ")":
        return missing
    return line_end if line_end != -1 else missing


def _settle(
    pending: re.Match[str] | None, names: list[_Building], clean: str, used: set[int]
) -> bool:
    """Give a time read after a name to that name; whether there was one."""
    if pending is None or not names:
        return False
    _assign(names[-1], clean, pending, used)
    return True


def _assign(name: _Building, clean: str, m: re.Match[str], used: set[int]) -> None:
    used.add(m.start(1))
    name.stated = clean[m.start() : m.end()].strip(" -–—")
    name.stated_at = _placeholder(m)


def _paren(name: _Building, inner: str) -> None:
    """``(Грабцево; код ИКАО: UUBC)``, ``(UWUU)``, ``(“Курумоч”)``: a proper name and/or
    a code. A remark in lower case ("(в дополнение к ...)") is neither."""
    for part in re.split(r"[;,]", inner):
        text = " ".join(part.split()).strip("«»“”„\"'‹› ")
        if not text:
            continue
        code = _ICAO.fullmatch(text)
        if code and (text[:3].lower() == "код" or text.isupper()):
            name.icao = name.icao or code.group(1).upper()
        elif text[0].isupper() and name.hint is None:
            name.hint = text
