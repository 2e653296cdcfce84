"""Build ``src/marsad/resources/gazetteer.json``: curated names in Arabic with English names.

    python training/ner/build_gazetteer.py

Countries come from babel's CLDR territory names (Arabic + English, build time only); capitals, world leaders,
agencies and organisations are hand-curated below. Each record: {"ar", "en", "type", "aliases"}; aliases are other
spellings and short forms seen in news (used by the tagger's list features and by cross-article merging).
"""

from __future__ import annotations

import json
from pathlib import Path

from babel import Locale

OUT = Path(__file__).resolve().parents[2] / "src" / "marsad" / "resources" / "gazetteer.json"

# Spellings of countries in news that CLDR does not use.
COUNTRY_ALIASES = {
    "US": ["أمريكا", "أميركا", "الولايات المتحدة الأمريكية", "الولايات المتحدة الأميركية"],
    "GB": ["بريطانيا", "المملكة المتحدة"], "RU": ["روسيا الاتحادية"], "KP": ["كوريا الشمالية"],
    "KR": ["كوريا الجنوبية"], "SY": ["سوريا", "سورية"], "PS": ["فلسطين"], "SA": ["السعودية"],
    "AE": ["الإمارات"], "CN": ["الصين الشعبية"], "IR": ["إيران"], "CD": ["الكونغو الديمقراطية"],
}

CAPITALS = [
    ("موسكو", "Moscow"), ("واشنطن", "Washington"), ("بيونغ يانغ", "Pyongyang", ["بيونغيانغ", "بيونج يانج"]),
    ("سول", "Seoul"), ("بكين", "Beijing", ["بيجين"]), ("طوكيو", "Tokyo"), ("لندن", "London"), ("باريس", "Paris"),
    ("برلين", "Berlin"), ("روما", "Rome"), ("مدريد", "Madrid"), ("كييف", "Kyiv", ["كيف"]), ("أنقرة", "Ankara"),
    ("طهران", "Tehran"), ("بغداد", "Baghdad"), ("دمشق", "Damascus"), ("بيروت", "Beirut"), ("عمان", "Amman"),
    ("القاهرة", "Cairo"), ("الرياض", "Riyadh"), ("أبوظبي", "Abu Dhabi", ["أبو ظبي"]), ("الدوحة", "Doha"),
    ("الكويت", "Kuwait City"), ("المنامة", "Manama"), ("مسقط", "Muscat"), ("صنعاء", "Sanaa"),
    ("الخرطوم", "Khartoum"), ("طرابلس", "Tripoli"), ("تونس", "Tunis"), ("الجزائر", "Algiers"),
    ("الرباط", "Rabat"), ("نواكشوط", "Nouakchott"), ("القدس", "Jerusalem"), ("رام الله", "Ramallah"),
    ("تل أبيب", "Tel Aviv"), ("غزة", "Gaza"), ("إسلام آباد", "Islamabad"), ("كابول", "Kabul"),
    ("نيودلهي", "New Delhi", ["نيو دلهي"]), ("جاكرتا", "Jakarta"), ("بروكسل", "Brussels"), ("فيينا", "Vienna"),
    ("جنيف", "Geneva"), ("نيويورك", "New York"), ("أثينا", "Athens"), ("وارسو", "Warsaw"),
    ("مينسك", "Minsk"), ("فلاديفوستوك", "Vladivostok"), ("سانت بطرسبرغ", "Saint Petersburg"),
    ("أديس أبابا", "Addis Ababa"), ("نيروبي", "Nairobi"), ("ستوكهولم", "Stockholm"), ("أوسلو", "Oslo"),
    ("هلسنكي", "Helsinki"), ("لاهاي", "The Hague"), ("أمستردام", "Amsterdam"), ("ريو دي جانيرو", "Rio de Janeiro"),
    ("برازيليا", "Brasília"), ("أوتاوا", "Ottawa"), ("مكسيكو", "Mexico City"), ("هافانا", "Havana"),
    ("كاراكاس", "Caracas"), ("بوينس آيرس", "Buenos Aires"), ("كانبرا", "Canberra"), ("هانوي", "Hanoi"),
    ("بانكوك", "Bangkok"), ("مانيلا", "Manila"), ("تايبيه", "Taipei"), ("هونغ كونغ", "Hong Kong"),
    ("دبي", "Dubai"), ("جدة", "Jeddah"), ("مكة", "Mecca"), ("المدينة المنورة", "Medina"), ("حلب", "Aleppo"),
    ("الموصل", "Mosul"), ("البصرة", "Basra"), ("أربيل", "Erbil"), ("الإسكندرية", "Alexandria"),
    ("بنغازي", "Benghazi"), ("درنة", "Derna"), ("خان يونس", "Khan Younis"), ("رفح", "Rafah"),
]

LEADERS = [
    ("فلاديمير بوتين", "Vladimir Putin", ["بوتين"]),
    ("كيم جونغ أون", "Kim Jong Un", ["كيم جون اون", "كيم جونج أون", "كيم جونغ اون", "كيم يونغ أون"]),
    ("جو بايدن", "Joe Biden", ["بايدن"]), ("دونالد ترامب", "Donald Trump", ["ترامب", "ترمب"]),
    ("باراك أوباما", "Barack Obama", ["أوباما"]), ("شي جين بينغ", "Xi Jinping", ["شي جينبينغ", "شي"]),
    ("فولوديمير زيلينسكي", "Volodymyr Zelensky", ["زيلينسكي", "زيلنسكي"]),
    ("رجب طيب أردوغان", "Recep Tayyip Erdogan", ["أردوغان"]), ("إيمانويل ماكرون", "Emmanuel Macron", ["ماكرون"]),
    ("أولاف شولتس", "Olaf Scholz", ["شولتس", "شولتز"]), ("ريشي سوناك", "Rishi Sunak", ["سوناك"]),
    ("كير ستارمر", "Keir Starmer", ["ستارمر"]), ("بنيامين نتنياهو", "Benjamin Netanyahu", ["نتنياهو"]),
    ("محمود عباس", "Mahmoud Abbas", ["أبو مازن"]), ("عبد الفتاح السيسي", "Abdel Fattah el-Sisi", ["السيسي"]),
    ("بشار الأسد", "Bashar al-Assad", ["الأسد"]), ("علي خامنئي", "Ali Khamenei", ["خامنئي"]),
    ("إبراهيم رئيسي", "Ebrahim Raisi", ["رئيسي"]), ("مسعود بزشكيان", "Masoud Pezeshkian", ["بزشكيان"]),
    ("محمد بن سلمان", "Mohammed bin Salman", ["ولي العهد السعودي"]),
    ("سلمان بن عبد العزيز", "Salman bin Abdulaziz", ["الملك سلمان"]),
    ("محمد بن زايد", "Mohamed bin Zayed"), ("تميم بن حمد", "Tamim bin Hamad"),
    ("عبد الله الثاني", "Abdullah II"), ("يون سوك يول", "Yoon Suk Yeol", ["يون سوك-يول"]),
    ("فوميو كيشيدا", "Fumio Kishida", ["كيشيدا"]), ("ناريندرا مودي", "Narendra Modi", ["مودي"]),
    ("سيرغي لافروف", "Sergei Lavrov", ["لافروف", "سيرجي لافروف"]),
    ("سيرغي شويغو", "Sergei Shoigu", ["شويغو", "شويجو"]), ("أندريه بيلوسوف", "Andrei Belousov", ["بيلوسوف"]),
    ("دميتري بيسكوف", "Dmitry Peskov", ["بيسكوف"]), ("أنتوني بلينكن", "Antony Blinken", ["بلينكن"]),
    ("لويد أوستن", "Lloyd Austin", ["أوستن"]), ("أنطونيو غوتيريش", "António Guterres", ["غوتيريش", "جوتيريش"]),
    ("ينس ستولتنبرغ", "Jens Stoltenberg", ["ستولتنبرغ"]), ("مارك روته", "Mark Rutte", ["روته"]),
    ("أورسولا فون دير لاين", "Ursula von der Leyen", ["فون دير لاين"]),
    ("ألكسندر لوكاشينكو", "Alexander Lukashenko", ["لوكاشينكو"]), ("كامالا هاريس", "Kamala Harris", ["هاريس"]),
    ("نانسي بيلوسي", "Nancy Pelosi", ["بيلوسي"]), ("إسماعيل هنية", "Ismail Haniyeh", ["هنية"]),
    ("يحيى السنوار", "Yahya Sinwar", ["السنوار"]), ("حسن نصر الله", "Hassan Nasrallah", ["نصر الله"]),
    ("كيم يو جونغ", "Kim Yo Jong"), ("كيم إيل سونغ", "Kim Il Sung"), ("كيم جونغ إيل", "Kim Jong Il"),
]

AGENCIES = [
    ("رويترز", "Reuters", "ORG"), ("وكالة فرانس برس", "Agence France-Presse", "ORG", ["فرانس برس", "أ ف ب"]),
    ("أسوشيتد برس", "Associated Press", "ORG", ["أسوشيتدبرس"]), ("بي بي سي", "BBC", "ORG"),
    ("سي إن إن", "CNN", "ORG"), ("الجزيرة", "Al Jazeera", "ORG"), ("العربية", "Al Arabiya", "ORG"),
    ("وكالة الأنباء المركزية الكورية", "Korean Central News Agency", "ORG", ["الوكالة المركزية الكورية"]),
    ("يونهاب", "Yonhap", "ORG"), ("تاس", "TASS", "ORG"), ("ريا نوفوستي", "RIA Novosti", "ORG"),
    ("نوفوستي", "Novosti", "ORG"), ("سبوتنيك", "Sputnik", "ORG"), ("شينخوا", "Xinhua", "ORG"),
    ("بلومبرغ", "Bloomberg", "ORG"), ("الأمم المتحدة", "United Nations", "ORG"),
    ("مجلس الأمن", "UN Security Council", "ORG", ["مجلس الأمن الدولي"]),
    ("حلف شمال الأطلسي", "NATO", "ORG", ["الناتو", "حلف الناتو", "حلف الأطلسي"]),
    ("الاتحاد الأوروبي", "European Union", "ORG"), ("جامعة الدول العربية", "Arab League", "ORG", ["الجامعة العربية"]),
    ("الكرملين", "Kremlin", "ORG"), ("البيت الأبيض", "White House", "ORG"), ("البنتاغون", "Pentagon", "ORG",
                                                                          ["البنتاجون"]),
    ("وزارة الخارجية", "Ministry of Foreign Affairs", "ORG"), ("وزارة الدفاع", "Ministry of Defence", "ORG"),
    ("منظمة الصحة العالمية", "World Health Organization", "ORG"), ("صندوق النقد الدولي", "IMF", "ORG"),
    ("البنك الدولي", "World Bank", "ORG"), ("الوكالة الدولية للطاقة الذرية", "IAEA", "ORG"),
    ("حماس", "Hamas", "ORG", ["حركة حماس"]), ("حزب الله", "Hezbollah", "ORG"),
    ("الهلال الأحمر", "Red Crescent", "ORG"), ("الصليب الأحمر", "Red Cross", "ORG"),
    ("منظمة العفو الدولية", "Amnesty International", "ORG"), ("هيومن رايتس ووتش", "Human Rights Watch", "ORG"),
    ("الكونغرس", "US Congress", "ORG", ["الكونجرس"]), ("مجلس النواب", "House of Representatives", "ORG"),
    ("أوبك", "OPEC", "ORG"), ("مجموعة العشرين", "G20", "ORG"), ("مجموعة السبع", "G7", "ORG"),
]


def build() -> list[dict]:
    ar, en = Locale("ar"), Locale("en")
    records: list[dict] = []
    for code, name in sorted(ar.territories.items()):
        if not (len(code) == 2 and code.isalpha()) or code in ("ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK"):
            continue
        records.append({"ar": name, "en": en.territories.get(code, code), "type": "LOC", "kind": "country",
                        "code": code, "aliases": COUNTRY_ALIASES.get(code, [])})
    for row in CAPITALS:
        records.append({"ar": row[0], "en": row[1], "type": "LOC", "kind": "city",
                        "aliases": row[2] if len(row) > 2 else []})
    for row in LEADERS:
        records.append({"ar": row[0], "en": row[1], "type": "PERS", "kind": "person",
                        "aliases": row[2] if len(row) > 2 else []})
    for row in AGENCIES:
        records.append({"ar": row[0], "en": row[1], "type": row[2], "kind": "organisation",
                        "aliases": row[3] if len(row) > 3 else []})
    return records


if __name__ == "__main__":
    records = build()
    OUT.write_text(json.dumps(records, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(records)} records to {OUT}")
