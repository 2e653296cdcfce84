"""A reproducible invented Arabic corpus for the store's reliability test and benchmark (``bench/store.py``).

Events (place, person, number, date) are reported by several outlets; some copy a wire text, some rewrite it,
so the store sees reuse passages and multi-outlet stories. Seeded: the same arguments give the same files.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

PLACES = ["وادي الغيم", "تل الريحان", "كفر الطواحين", "عين السنديان", "دير السوسن", "مرفأ اللؤلؤ", "جبل الصفصاف",
          "سهل النخيل", "بئر الحمام", "رأس العين", "قرية الزيتون", "مدينة الأفق"]
PEOPLE = ["سليم بن عامر الدراجي", "هدى الكرمي", "ناصر العتيبي", "ليلى حداد", "عمر الشامي", "فاطمة الزهراني",
          "يوسف المصري", "رنا الخطيب", "خالد منصور", "سعاد البغدادي"]
EVENTS = [("انهيار", "جسر"), ("حريق", "مصنع"), ("افتتاح", "مستشفى"), ("فيضان", "نهر"), ("إضراب", "ميناء"),
          ("مؤتمر", "جامعة"), ("انقطاع", "كهرباء"), ("مهرجان", "زيتون")]
OUTLETS = ["وكالة النهار للأنباء", "الواحة نيوز", "صحيفة المرصد اليومي", "شبكة الأفق", "إذاعة السهل",
           "موقع الشرق الجديد"]
FILLER = ["وأضاف أن الجهات المختصة تتابع الوضع عن كثب.", "وأشار شهود عيان إلى أن الطرق المؤدية إلى المكان أغلقت.",
          "ولم تصدر حتى الآن أي بيانات رسمية إضافية.", "ويتوقع أن تعقد السلطات مؤتمرا صحفيا في وقت لاحق من اليوم.",
          "وطالب الأهالي بفتح تحقيق شامل في ملابسات ما جرى."]


LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def pseudo_word(rng: random.Random, length: int = 5) -> str:
    """An invented word: each event gets its own names, so events do not merge into one story."""
    return "".join(rng.choice(LETTERS) for _ in range(length))


def event_text(rng: random.Random, k: int) -> tuple[str, str, date]:
    kind, thing = EVENTS[k % len(EVENTS)]
    place = f"{PLACES[(k * 7) % len(PLACES)]} {pseudo_word(rng)}"
    person = f"{pseudo_word(rng, 4)} {pseudo_word(rng, 6)}"
    thing = f"{thing} {pseudo_word(rng)} {pseudo_word(rng, 6)}"
    rng.randint(3, 90)  # an unused draw, kept so that a seed still gives the corpus it gave before
    title = f"{kind} {thing} في {place} رقم {k}"
    n = rng.randint(3, 90)
    day = date(2025, 1, 1) + timedelta(days=k // 3)
    vocab = [pseudo_word(rng, rng.randint(3, 7)) for _ in range(40)]  # no long phrase is shared across events
    glue = ["في", "من", "على", "إلى", "أن", "مع", "بعد", "قبل"]
    lines = [f"أعلنت السلطات في {place} عن {kind} {thing}، وتضرر {n} منزلا بحسب {person}."]
    for _ in range(4):
        words = [rng.choice(vocab) if rng.random() < 0.75 else rng.choice(glue) for _ in range(rng.randint(10, 18))]
        lines.append(" ".join(words) + ".")
    return title, "\n\n".join(lines), day


def write_corpus(folder: str | Path, n: int, seed: int = 7) -> list[Path]:
    """``n`` articles as NAME.txt + NAME.meta.json in ``folder``; about three outlets report each event."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        k = i // 3  # the event
        title, wire, day = event_text(random.Random(seed * 100_003 + k), k)
        extra = rng.choice(FILLER)
        if i % 3 == 2:  # a rewrite, not a copy
            body = wire.replace("أعلنت السلطات المحلية", "قالت مصادر رسمية").replace("وقال", "وصرح")
        else:
            body = wire
        outlet = OUTLETS[(i + k) % len(OUTLETS)]
        text = f"{title}\n\n{body}\n\n{extra}\n\n{outlet} - {i}\n"
        name = f"{i:06d}"
        meta = {"id": name, "outlet": outlet, "published": day.isoformat(), "title": title}
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        paths.append(folder / f"{name}.txt")
    return paths
