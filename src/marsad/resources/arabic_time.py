"""Month and weekday names in every regional series, keyed by their matching (normalized) form.

Values: month number 1-12; weekday number as Python's ``date.weekday()`` (Monday 0 ... Sunday 6).
Spellings are written naturally; ``marsad.stages.normalize.normalize`` is applied when the tables are used.
"""

from __future__ import annotations

MONTHS: dict[str, int] = {
    # Egyptian / Gulf (transliterated Latin months)
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12,
    # Levantine / Iraqi (Syriac months)
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7, "آب": 8, "أيلول": 9,
    "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
    # Maghreb (French-derived)
    "جانفي": 1, "فيفري": 2, "أفريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "أوت": 8, "شتنبر": 9, "نونبر": 11,
    "دجنبر": 12, "غشت": 8,
}

WEEKDAYS: dict[str, int] = {
    "الاثنين": 0, "الإثنين": 0, "الأثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الاربعاء": 2, "الخميس": 3,
    "الجمعة": 4, "السبت": 5, "الأحد": 6, "الاحد": 6,
}

# Hijri months (tabular calendar conversion in marsad.stages.time)
HIJRI_MONTHS: dict[str, int] = {
    "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع الآخر": 4, "ربيع الثاني": 4, "جمادى الأولى": 5, "جمادى الأول": 5,
    "جمادى الآخرة": 6, "جمادى الثانية": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10, "ذو القعدة": 11,
    "ذي القعدة": 11, "ذو الحجة": 12, "ذي الحجة": 12,
}

# Counted units in "منذ أربع سنوات"
NUMBER_WORDS: dict[str, int] = {
    "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7,
    "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10,
}
NUMBER_WORDS.update({
    "عشرين": 20, "عشرون": 20, "ثلاثين": 30, "ثلاثون": 30, "أربعين": 40, "أربعون": 40, "خمسين": 50, "خمسون": 50,
    "ستين": 60, "ستون": 60, "سبعين": 70, "سبعون": 70, "ثمانين": 80, "ثمانون": 80, "تسعين": 90, "تسعون": 90,
    "مئة": 100, "مائة": 100,
})

# Ordinals as days of the month and centuries ("السادس والعشرين من الشهر الجاري", "القرن التاسع عشر"), built
# from units and tens: الحادي عشر … التاسع عشر, العشرين, الحادي والعشرين … الحادي والثلاثين.
_ORDINAL_UNITS = {"الأول": 1, "الحادي": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5, "السادس": 6,
                  "السابع": 7, "الثامن": 8, "التاسع": 9}
_ORDINAL_TENS = {"العشرين": 20, "الثلاثين": 30}
ORDINALS: dict[str, int] = {**{k: v for k, v in _ORDINAL_UNITS.items() if k != "الحادي"}, "العاشر": 10,
                            **_ORDINAL_TENS}
for _unit, _n in _ORDINAL_UNITS.items():
    if _unit != "الأول":
        ORDINALS[f"{_unit} عشر"] = 10 + _n
        for _tens, _t in _ORDINAL_TENS.items():
            if _t + _n <= 31:
                ORDINALS[f"{_unit} و{_tens}"] = _t + _n  # "السادس والعشرين"
ORDINALS["الثانية عشرة"] = 12

# Seasons: first and last month (winter runs over the new year)
SEASONS: dict[str, tuple[int, int]] = {"الربيع": (3, 5), "الصيف": (6, 8), "الخريف": (9, 11), "الشتاء": (12, 2)}

# Words starting with س that are not a future verb ("ستة مهندسين", "سنوات"): a future verb ("ستصل يوم الخميس")
# makes a bare weekday the coming one
NOT_FUTURE = ["ستة", "ست", "ستين", "ستون", "سنة", "سنوات", "سنتين", "سيارة", "سيارات", "سياسة", "سياسي", "سياسية",
              "سيادة", "سيادته", "سيطرة", "سنويا", "سنوي", "سنوية", "ستار", "سيناريو", "سيدة", "سيد", "سيول",
              "سنغافورة", "سيبيريا", "سيئول", "سيول"]

# A day counted from the date the narrative has reached ("في 12 مارس … وفي اليوم التالي"): offset in days
NARRATIVE_DAYS: dict[str, int] = {
    "في اليوم التالي": 1, "اليوم التالي": 1, "في اليوم الذي تلاه": 1, "في اليوم نفسه": 0, "في اليوم ذاته": 0,
    "في ذلك اليوم": 0, "بعد ذلك بيوم": 1, "بعد ذلك بيومين": 2, "غداة ذلك": 1,
}
