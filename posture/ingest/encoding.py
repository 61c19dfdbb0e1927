"""Turning the bytes of an input file into text, or saying why they can't be.

The order of the checks matters:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32), because UTF-16 text is full of NUL bytes;
2. known binary signatures (PDF, images, archives, office files) and NUL bytes mean ``binary``;
3. strict UTF-8 (which also covers ASCII) is taken as is;
4. a charset the file declares (HTML ``<meta charset>``, XML ``encoding=``) is used when it decodes;
5. otherwise charset-normalizer guesses, and our own guard compares its guess with the two legacy
   Arabic encodings (Windows-1256 and ISO-8859-6). Both decode most Arabic bytes without error but
   give different letters, and generic detectors often confuse them (or pick a Cyrillic or Greek
   code page): the candidate whose words look most like Arabic wins.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache

from charset_normalizer import from_bytes

from posture.ingest.metadata import load_stopwords


class DecodeProblem(Exception):
    """Bytes that can't be turned into text. ``reason`` is a rejection code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # Python codec name actually used


# Signatures of formats that are certainly not text (checked at the start of the file).
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a RIFF file (WebP image, WAV or AVI)"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt office file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable program"),
    (b"MZ", "a Windows executable"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x00\x00\x01\x00", "an icon image"),
    (b"SQLite format 3\x00", "an SQLite database"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_ARABIC_LEGACY = ("cp1256", "iso8859-6")  # as codecs.lookup() names them
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
_ARABIC_WORD = re.compile(r"[\u0621-\u064A]+")
_EUROPEAN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")

_LETTER = re.compile(r"[^\W\d_]")
# C0 and C1 control characters other than tab, line feed, form feed and carriage return
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Enough text to judge how Arabic a reading looks.
_PLAUSIBILITY_SAMPLE_CHARS = 20000
# Share of control characters (other than tab and newlines) above which decoded text is junk.
_MAX_CONTROL_SHARE = 0.02


def binary_kind(data: bytes) -> str | None:
    """What kind of binary file ``data`` is ('a PDF document', ...), or None if it may be text."""
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            # "MZ" and the icon header are short: only believe them with NUL bytes close by
            if signature in (b"MZ", b"\x00\x00\x01\x00") and b"\x00" not in data[2:64]:
                continue
            return kind
    if b"\x00" in data[:65536]:
        return "binary data (it contains NUL bytes)"
    return None


def _codec_name(label: str) -> str | None:
    """Python's codec name for a declared charset label, or None when Python doesn't know it."""
    try:
        return codecs.lookup(label.strip().strip("'\"")).name
    except (LookupError, ValueError):
        return None


_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")


def declared_html_charset(data: bytes) -> str | None:
    """The charset a saved HTML page declares in its head, if any."""
    match = _HTML_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def declared_xml_encoding(data: bytes) -> str | None:
    """The encoding named in an XML declaration, if any."""
    match = _XML_ENCODING.search(data[:512])
    return match.group(1).decode("ascii") if match else None


@cache
def _arabic_stopwords() -> frozenset[str]:
    return frozenset(load_stopwords("ar"))


def arabic_plausibility(text: str) -> float:
    """Share of Arabic-script words that are frequent function words or carry the article ال.

    Correct Arabic text scores about 0.4; the same bytes decoded with the wrong Arabic code page
    score near 0, because the letters of ال and of the function words come out as other letters.
    """
    words = _ARABIC_WORD.findall(text[:_PLAUSIBILITY_SAMPLE_CHARS])
    if not words:
        return 0.0
    stopwords = _arabic_stopwords()
    plausible = sum(1 for w in words if w in stopwords or (len(w) > 3 and w[:2] == "ال") or w[:3] in ("وال", "بال"))
    return plausible / len(words)


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / len(text) if text else 0.0


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_like_bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: NUL bytes in every other position (text in Latin or Arabic)."""
    if len(data) < 4 or len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _strict(data, encoding)
        if text is None:
            continue
        known = sum(1 for ch in text if ch <= "\u024f" or "\u0600" <= ch <= "\u06ff" or "\u0400" <= ch <= "\u04ff")
        if known / len(text) > 0.95 and _control_share(text) <= _MAX_CONTROL_SHARE:
            return encoding
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> DecodedText:
    """Decode the bytes of a text file; raise ``DecodeProblem`` (binary / undecodable) if impossible."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding)
            if text is None:
                raise DecodeProblem("undecodable", f"The file starts with a {encoding} byte-order mark but is not valid {encoding}.")
            return _checked(DecodedText(text, encoding))

    kind = binary_kind(data)
    if kind is not None:
        utf16 = _looks_like_bomless_utf16(data) if "NUL" in kind else None
        if utf16 is None:
            raise DecodeProblem("binary", f"The file is {kind}, not text; convert it to .txt, .html or .json first.")
        return _checked(DecodedText(data.decode(utf16), utf16))

    text = _strict(data, "utf-8")
    if text is not None:
        return _checked(DecodedText(text, "utf-8"))

    if declared:
        codec = _codec_name(declared)
        # pages often declare windows-1256 for ISO-8859-6 bytes (or the other way round), or a
        # Western code page such as ISO-8859-1 for Arabic text: Arabic prose wins over the label
        reading = _arabic_reading(data, preferred=codec if codec in _ARABIC_LEGACY else "cp1256")
        if reading is not None and (codec in _ARABIC_LEGACY or arabic_plausibility(reading.text) >= 0.1):
            return _checked(reading)
        if codec and codec not in ("utf-8", "utf_8"):
            text = _strict(data, codec)
            if text is not None and _control_share(text) <= _MAX_CONTROL_SHARE:
                return DecodedText(text, codec)

    return _checked(_guess_legacy(data))


_EBCDIC = {"cp037", "cp273", "cp424", "cp437-ebcdic", "cp500", "cp875", "cp1026", "cp1140"}


def _is_ebcdic(encoding: str) -> bool:
    return (_codec_name(encoding) or encoding) in _EBCDIC


def _letter_share(text: str, pattern: re.Pattern[str]) -> float:
    letters = len(_LETTER.findall(text))
    return len(pattern.findall(text)) / letters if letters else 0.0


def _arabic_reading(data: bytes, preferred: str = "cp1256") -> DecodedText | None:
    """The better of the two legacy Arabic readings of the bytes, or None if neither is Arabic.

    Most plausible words first, then most Arabic letters (the wrong code page turns some letters
    into Latin letters or symbols); on a full tie the preferred code page (declared, or the more
    common cp1256) wins.
    """
    readings = {codec: text for codec in _ARABIC_LEGACY if (text := _strict(data, codec)) is not None}
    readings = {c: t for c, t in readings.items() if _letter_share(t, _ARABIC_LETTER) >= 0.5}
    if not readings:
        return None
    codec = max(
        readings,
        key=lambda c: (arabic_plausibility(readings[c]), _letter_share(readings[c], _ARABIC_LETTER), c == preferred),
    )
    return DecodedText(readings[codec], codec)


def _guess_legacy(data: bytes) -> DecodedText:
    """Bytes that are not UTF-8: charset-normalizer's guess, checked by the Arabic guard."""
    matches = from_bytes(data)
    best = matches.best()
    if best is not None and best.encoding.startswith("mac"):
        # old Macintosh code pages are rare: a Windows code page that reads the bytes as well wins
        best = next((m for m in matches if m.encoding.startswith("cp125") and m.chaos <= best.chaos), best)
    guess: DecodedText | None = None
    if best is not None and not _is_ebcdic(best.encoding):  # EBCDIC "fits" any short byte string
        guess = DecodedText(str(best), _codec_name(best.encoding) or best.encoding)

    reading = _arabic_reading(data)
    if reading is not None:
        if arabic_plausibility(reading.text) >= 0.1:
            return reading  # reads as Arabic prose: the guard is confident
        # too short to judge by words: prefer the Arabic reading unless the detector found
        # text in a European script (a Cyrillic or Greek code page also fills the high bytes)
        if _letter_share(reading.text, _ARABIC_LETTER) >= 0.8 and (
            guess is None or _letter_share(guess.text, _EUROPEAN_LETTER) < 0.5
        ):
            return reading
    if guess is not None:
        return guess
    raise DecodeProblem(
        "undecodable",
        "The bytes are not UTF-8 and no known encoding reads them as text; save the file as UTF-8.",
    )


def _checked(decoded: DecodedText) -> DecodedText:
    if _control_share(decoded.text) > _MAX_CONTROL_SHARE:
        raise DecodeProblem("binary", "The file decodes to mostly control characters: it is binary data, not text.")
    return decoded
