"""Money, numbers, percentages and counts as printed in Korean plans.

Error policy: `parse_krw` raises `ValueError` on text it cannot read unless
called with `on_error="none"`; a no-budget marker ("비예산", "-", blank) is
`None`, never 0. Arithmetic is exact (`Decimal`): '35.9억원' is exactly
3_590_000_000, and an amount that is not a whole number of won is an error.

The finders (`find_money`, `find_percents`, `find_counts`) return every
quantity printed in a text with character offsets into it; units, markers and
fund sources come from `rules/units.toml`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from normalizers import rules

NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_BREAKDOWN = re.compile(r"[ \t]?[(（](?P<inner>[^()（）\n]{1,160})[)）]")


@dataclass(frozen=True)
class Quantity:
    """A quantity printed in text: `text[start:end]` is the printed span.

    `value` is the printed number in `unit` (money: the normalised unit such as
    '백만원' or '억달러'); `amount_krw` is set for money in won; `currency` is
    the ISO code of money ('KRW', or 'USD' for '150.9억 달러', whose
    `currency_amount` is 15,090,000,000 and `amount_krw` None: never
    converted); `fund_source` for an amount labelled with its source ('국비
    19,544'); `parent_start` is the start of the amount a breakdown part
    belongs to.
    """

    kind: str
    start: int
    end: int
    text: str
    value: float | None
    unit: str | None
    amount_krw: int | None = None
    fund_source: str | None = None
    parent_start: int | None = None
    currency: str | None = None
    currency_amount: float | None = None


def _compact(text: str) -> str:
    """NFKC, no whitespace, no thousands commas."""
    return re.sub(r"[\s,]", "", unicodedata.normalize("NFKC", text))


def _alternation(words) -> str:
    """Regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _money_units() -> dict[str, int]:
    return {u.unit: u.multiplier for u in rules.units().money_unit}


@cache
def _magnitudes() -> tuple[dict[str, int], dict[str, int]]:
    mags = rules.units().magnitudes
    return dict(mags.small), dict(mags.large)


@cache
def _mag_chars() -> str:
    """All magnitude characters, for regex classes: '십백천만억조'."""
    small, large = _magnitudes()
    return "".join(small) + "".join(large)


@cache
def _no_budget_markers() -> frozenset[str]:
    return frozenset(_compact(m.marker) for m in rules.units().no_budget)


def is_no_budget(text: str | None) -> bool:
    """True for a no-budget marker ('비예산', '-', '－', '―', '해당없음') or blank text."""
    return text is None or _compact(text) in _no_budget_markers()


def normalize_unit(unit: str) -> str:
    """A printed money unit in normal form: '백만 원' -> '백만원', '(천원)' -> '천원', '억' -> '억원'.

    Raises ValueError for anything that is not a money unit of units.toml.
    """
    compact = _compact(unit).strip("()[]（）")
    if compact and not compact.endswith("원"):
        compact += "원"
    if compact not in _money_units():
        raise ValueError(f"not a money unit: {unit!r}; known: {' '.join(_money_units())}")
    return compact


def _sign_factor(compact: str) -> tuple[int, str]:
    """(-1, rest) when `compact` starts with a sign marker, else (1, compact)."""
    for sign in rules.units().sign:
        if compact.startswith(sign.marker):
            return sign.factor, compact[len(sign.marker):]
    return 1, compact


def _compound_value(compact: str) -> Decimal:
    """Read numbers and magnitudes: '2억4천1백만' -> 241000000, '998백만' -> 998000000, '35.9' -> 35.9."""
    small, large = _magnitudes()
    tokens = re.findall(r"\d+(?:\.\d+)?|\D", compact)
    total, group, current, last_large = Decimal(0), Decimal(0), None, None
    for tok in tokens:
        if tok[0].isdigit():
            if current is not None:
                raise ValueError(f"two numbers in a row in {compact!r}")
            current = Decimal(tok)
        elif tok in small:
            group += (Decimal(1) if current is None else current) * small[tok]
            current = None
        elif tok in large:
            if last_large is not None and large[tok] >= last_large:
                raise ValueError(f"magnitudes out of order in {compact!r}")
            total += (group + (current or 0)) * large[tok]
            group, current, last_large = Decimal(0), None, large[tok]
        else:
            raise ValueError(f"unexpected {tok!r} in {compact!r}")
    if not any(t[0].isdigit() for t in tokens):
        raise ValueError(f"no number in {compact!r}")
    return total + group + (current or 0)


def _krw(text: str, unit: str | None) -> int:
    """`parse_krw` without the error policy: raises ValueError for unreadable text."""
    factor, compact = _sign_factor(_compact(text))
    won = compact.endswith("원")
    body = compact[:-1] if won else compact
    if not re.fullmatch(rf"[\d.{_mag_chars()}]+", body) or not re.search(r"\d", body):
        raise ValueError(f"not an amount: {text!r}")
    has_magnitude = not re.fullmatch(r"[\d.]+", body)
    if has_magnitude or won:
        amount = _compound_value(body)
    elif unit is None:
        raise ValueError(f"no money unit in {text!r} and none given (pass unit='백만원' etc.)")
    else:
        amount = Decimal(body) * _money_units()[normalize_unit(unit)]
    if amount != amount.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number of won")
    return factor * int(amount)


def parse_krw(text: str, unit: str | None = None, *, on_error: str = "raise") -> int | None:
    """Printed money to integer KRW.

    '998백만원' -> 998_000_000; '2억4천1백만원' -> 241_000_000; '1,234' with
    unit='백만원' -> 1_234_000_000 (a unit printed in `text` wins over `unit`).
    No-budget markers and blank -> None. Garbage raises ValueError, or gives
    None when `on_error="none"`.
    """
    if on_error not in ("raise", "none"):
        raise ValueError(f"on_error must be 'raise' or 'none', got {on_error!r}")
    if is_no_budget(text):
        return None
    try:
        return _krw(text, unit)
    except (ValueError, InvalidOperation):
        if on_error == "none":
            return None
        raise


_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")


def parse_number(text: str | None) -> float | None:
    """A printed number: '1,234.5' -> 1234.5, '△3' -> -3.0, '12%' -> 12.0, '18명' -> 18.0; else None."""
    if text is None:
        return None
    factor, compact = _sign_factor(_compact(text))
    compact = _number_suffix().sub("", compact)
    if not _PLAIN_NUMBER.fullmatch(compact):
        return None
    return factor * float(compact)


@cache
def _number_suffix() -> re.Pattern[str]:
    """A percent or count unit ending a number ('12%', '18명'), from the unit rules."""
    units = rules.units()
    return re.compile(f"(?:{_alternation(u.unit for u in units.percent_unit + units.count_unit)})$")


def printed_precision(text: str, unit: str | None) -> int:
    """KRW of one unit in the last printed digit: '12.5' 백만원 -> 100,000; '1,234' 억원 -> 100,000,000.

    `unit` is the amount's unit, or None when the text carries it ('35.9억원').
    """
    compact = _compact(text)
    unit = normalize_unit(unit) if unit else _unit_suffix(compact)
    number = re.search(r"\d+(?:\.(\d+))?(?=\D*$)", compact)
    decimals = len(number.group(1) or "") if number else 0
    return max(1, int(Decimal(_money_units().get(unit, 1)) / (Decimal(10) ** decimals)))


def unit_from_text(text: str | None) -> str | None:
    """The money unit a header or caption states: '예산(백만원)', '(단위 : 천원)' -> '백만원', '천원'."""
    if not text:
        return None
    for rule in rules.units().unit_line:
        match = rule.pattern.search(text)
        if match:
            return normalize_unit(match.group("unit"))
    return None


@cache
def _fund_aliases() -> tuple[dict[str, str], dict[str, str]]:
    """(compact alias -> source, compact short alias -> source)."""
    sources = rules.units().fund_source
    return ({_compact(a): s.name for s in sources for a in s.aliases},
            {_compact(a): s.name for s in sources for a in s.short_aliases})


def fund_source(label: str, *, short: bool = False) -> str | None:
    """Normalised fund source of a printed label ('군･구비' -> '군·구비'); short forms ('시') only if `short`."""
    full, shorts = _fund_aliases()
    compact = _compact(label)
    return full.get(compact) or (shorts.get(compact) if short else None)


# --- finders ---------------------------------------------------------------------------

@cache
def _money_regex() -> re.Pattern:
    units, mags = rules.units(), _mag_chars()
    signs = _alternation(s.marker for s in units.sign if s.in_text)
    not_follow = "".join(units.money_not_followed_by.words)
    body = rf"{NUM}(?:[ \t]?[{mags}]+(?:[ \t]?{NUM}[ \t]?[{mags}]+)*)?"
    return re.compile(rf"(?<![\d.,])(?P<sign>(?:{signs})[ \t]?)?(?P<body>{body})"
                      rf"(?P<won>[ \t]?원(?![{not_follow}]))?")


@cache
def _label_regexes() -> tuple[re.Pattern, re.Pattern]:
    """(label right before an amount in text, one breakdown item 'LABEL AMOUNT')."""
    sources = rules.units().fund_source
    full = _alternation(a for s in sources for a in s.aliases)
    every = _alternation(a for s in sources for a in s.aliases + s.short_aliases)
    mags = _mag_chars()
    before = re.compile(rf"(?<![가-힣])(?P<label>{full})[ \t]*[:：]?[ \t]*$")
    amount = rf"{NUM}(?:[ \t]?[{mags}]+(?:[ \t]?{NUM}[ \t]?[{mags}]+)*)?(?:[ \t]?원)?"
    item = re.compile(rf"[ \t]*(?P<label>{every})[ \t]*[:：]?[ \t]*(?P<amount>{amount})"
                      rf"[ \t]*(?:[,，、;/][ \t]*|$)")
    return before, item


def _unit_suffix(compact: str) -> str:
    """The money unit of a compact amount: '26873백만원' -> '백만원', '1017억' -> '억원'.

    An amount of several numbers ('2억4천1백만원') is in 원.
    """
    if len(re.findall(r"\d+(?:\.\d+)?", compact)) > 1:
        return "원"
    if not compact.endswith("원"):
        compact += "원"
    small = tuple(_magnitudes()[0])
    for unit in sorted(_money_units(), key=len, reverse=True):
        if compact.endswith(unit) and not compact[: -len(unit)].endswith(small):
            return unit
    return "원"


@cache
def _currency_words() -> tuple[re.Pattern, dict[str, str]]:
    """(a currency word right after an amount, compact word -> ISO code)."""
    words = {_compact(w): c.code for c in rules.units().currency for w in c.words}
    spaced_words = sorted({w for c in rules.units().currency for w in c.words}, key=len, reverse=True)
    pattern = "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in spaced_words)
    syllables = "".join(sorted({w for w in spaced_words if len(w) == 1 and "가" <= w <= "힣"}))
    # one space, tab or line break before the word (a wrapped line: '141.5억' / '달러'); a one-syllable word
    # ('불', '엔') only when no other syllable than 화 ('달러화', '엔화') follows it ('20억 불법' is no money)
    alone = rf"(?!(?<=[{syllables}])[가-힣](?<!화))" if syllables else ""
    return re.compile(rf"[ \t\n]?(?P<word>{pattern})(?![A-Za-z]){alone}"), words


@cache
def _currency_sign_regex() -> tuple[re.Pattern, dict[str, str]]:
    """An amount after a currency sign ('US$ 3.2억', '$25'), and sign -> ISO code."""
    signs = {s: c.code for c in rules.units().currency for s in c.signs}
    mags = _mag_chars()
    body = rf"{NUM}(?:[ \t]?[{mags}]+(?:[ \t]?{NUM}[ \t]?[{mags}]+)*)?"
    return re.compile(rf"(?<![A-Za-z])(?P<sign>{_alternation(signs)})[ \t]?(?P<body>{body})"), signs


def _is_bare_money(text: str, match: re.Match) -> bool:
    """An amount without 원: a bare ending ('1,017억'), a money word nearby, no counted word after it."""
    bare, body = rules.units().bare_money, match.group("body")
    before = text[max(0, match.start() - 2):match.start()].rstrip()
    if not body.endswith(bare.endings) or before.endswith(bare.not_after):
        return False
    after = text[match.end():match.end() + 6].lstrip(" \t")
    counted = tuple(u.unit for u in rules.units().count_unit) + bare.not_before
    if after.startswith(counted):
        return False
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    line_end = len(text) if line_end < 0 else line_end
    around = text[max(line_start, match.start() - bare.window):match.start()] + " " + \
        text[match.end():min(line_end, match.end() + bare.window)]
    return any(word in around for word in bare.context)


def _as_float(amount: int) -> float | None:
    """An amount as a float, or None when it is too large for one (a 5,000-digit number)."""
    try:
        return float(amount)
    except OverflowError:
        return None


def _foreign_quantity(text: str, start: int, end: int, body: str, code: str) -> Quantity | None:
    """Money in another currency: value and unit as printed, the amount in that currency, no KRW."""
    amount = parse_krw(body, "원", on_error="none")
    if amount is None:
        return None
    unit = _unit_suffix(_compact(body)).removesuffix("원")
    value = float(Decimal(amount) / _money_units()[unit + "원"]) if unit else float(amount)
    return Quantity("money", start, end, text[start:end], value, unit + code, None, None, None, code,
                    _as_float(amount))


def _money_quantity(text: str, match: re.Match) -> Quantity | None:
    """One money quantity from a regex match, or None when it is not money."""
    body, won = match.group("body"), match.group("won")
    if not won:
        currency = _currency_words()[0].match(text, match.end())
        if currency is not None:
            code = _currency_words()[1][_compact(currency.group("word"))]
            return _foreign_quantity(text, match.start("body"), currency.end(), body, code)
        if not _is_bare_money(text, match):
            return None
    printed = text[match.start():match.end()]
    amount = parse_krw(printed, on_error="none")
    if amount is None:
        return None
    unit = _unit_suffix(_compact(body))
    value = float(Decimal(amount) / _money_units()[unit])
    label = _label_regexes()[0].search(text, max(0, match.start() - 12), match.start())
    source = fund_source(label.group("label")) if label else None
    return Quantity("money", match.start(), match.end(), printed, value, unit, amount, source, currency="KRW",
                    currency_amount=_as_float(amount))


def _breakdown(text: str, parent: Quantity) -> list[Quantity]:
    """Parts of a breakdown in parentheses right after `parent`: '(국비 19,544, 시비 2,443)'.

    A part printed with its own unit ('국비 48억 원') spans the amount; a part
    in the parent's unit spans label and number ('국비 19,544').
    """
    opened = _BREAKDOWN.match(text, parent.end)
    if not opened:
        return []
    item_re, pos, end, parts = _label_regexes()[1], opened.start("inner"), opened.end("inner"), []
    while pos < end:
        item = item_re.match(text, pos, end)
        if not item:
            return []
        compact = _compact(item.group("amount"))
        own_unit = bool(re.search(r"[^\d.]", compact))
        amount = parse_krw(item.group("amount"), parent.unit, on_error="none")
        if amount is None:
            return []
        unit = _unit_suffix(compact) if own_unit or parent.unit is None else parent.unit
        start = item.start("amount") if own_unit else item.start("label")
        parts.append(Quantity("money", start, item.end("amount"), text[start:item.end("amount")],
                              float(Decimal(amount) / _money_units()[unit]), unit, amount,
                              fund_source(item.group("label"), short=True), parent.start, "KRW", _as_float(amount)))
        pos = item.end()
    return parts


def find_money(text: str) -> list[Quantity]:
    """Every money amount in `text`, each followed by the parts of its breakdown, in order.

    A candidate that does not read as money (magnitudes out of order, '제43조')
    is retried from its second number, so it cannot hide a later amount.
    """
    found: list[Quantity] = []
    pos, regex = 0, _money_regex()
    signed = _signed_amounts(text)
    while (match := regex.search(text, pos)) is not None:
        sign = next((q for q in signed if q.start <= match.start("body") < q.end), None)
        if sign is not None:
            found.append(sign)
            pos = sign.end
            continue
        quantity = _money_quantity(text, match)
        if quantity is None:
            second = re.search(r"\D\d", text[match.start("body"):match.end()])
            pos = match.start("body") + second.start() + 1 if second else match.end()
            continue
        parts = _breakdown(text, quantity) if quantity.currency == "KRW" else []
        found += [quantity, *parts]
        pos = parts[-1].end if parts else max(match.end(), quantity.end)
    return found


def _signed_amounts(text: str) -> list[Quantity]:
    """Amounts after a currency sign ('US$ 3.2억', '$25'), in text order."""
    regex, signs = _currency_sign_regex()
    if not any(s in text for s in signs):
        return []
    out = []
    for m in regex.finditer(text):
        q = _foreign_quantity(text, m.start(), m.end(), m.group("body"), signs[m.group("sign")])
        if q is not None:
            out.append(q)
    return out


@cache
def _percent_regex() -> re.Pattern:
    units = _alternation(u.unit for u in rules.units().percent_unit).replace("%", "[%％]")
    signs = _alternation(s.marker for s in rules.units().sign if s.in_text)
    return re.compile(rf"(?<![\d.,])(?P<sign>{signs})?(?P<num>{NUM})[ \t]?(?P<unit>{units})")


@cache
def _count_regex() -> re.Pattern:
    units = rules.units()
    alts = [re.escape(u.unit) + (f"(?![{''.join(u.not_followed_by)}])" if u.not_followed_by else "")
            for u in sorted(units.count_unit, key=lambda u: len(u.unit), reverse=True)]
    not_after = "".join(f"(?<!{re.escape(w)})(?<!{re.escape(w)} )" for w in units.counts.not_after)
    return re.compile(rf"(?<![\d.,]){not_after}(?P<num>{NUM})(?P<mag>[ \t]?[{_mag_chars()}])?"
                      rf"[ \t]?(?P<unit>{'|'.join(alts)})")


def find_percents(text: str) -> list[Quantity]:
    """Every percentage ('94.4%', '2.5%p') in `text`; value is the number, unit '%' or '%p'."""
    out = []
    for m in _percent_regex().finditer(text):
        value = _sign_factor(m.group("sign") or "")[0] * float(m.group("num").replace(",", ""))
        unit = unicodedata.normalize("NFKC", m.group("unit")).replace("퍼센트", "%")
        out.append(Quantity("percent", m.start(), m.end(), m.group(), value, unit))
    return out


def find_counts(text: str) -> list[Quantity]:
    """Every count ('13명', '18개소', '81천명' -> 81000) in `text`; unit is the counter word."""
    small, large = _magnitudes()
    scale = {**small, **large}
    out = []
    for m in _count_regex().finditer(text):
        value = float(m.group("num").replace(",", "")) * scale.get((m.group("mag") or "").strip(), 1)
        out.append(Quantity("count", m.start(), m.end(), m.group(), value, m.group("unit")))
    return out
