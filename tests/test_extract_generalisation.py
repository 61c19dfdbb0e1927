"""Phenomena found by reading reports the rules were not written for (tests/fixtures/practice2): each row
is a sentence or a short article and the frame facts the extractor must read from it, in Arabic and in
English where the language has the phenomenon.
"""

from datetime import date

import pytest

from posture.extract.extractor import Extractor
from posture.gazetteer.gazetteer import load_gazetteer
from tests.test_extract_frames import assert_frames, claims, movements

PUBLISHED = date(2025, 5, 3)  # a Saturday


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_gazetteer())


def read(extractor: Extractor, text: str, language: str, published: date = PUBLISHED):
    return extractor.extract("test-article", text, language, published)


# ---------------------------------------------------------------- movements

MOVEMENT_CASES = [
    # verbs and nouns of movement
    ("causative exit, ar", "ar", "الحسكة - أخرجت القوات الأمريكية رتلاً مؤلفاً من 40 صهريجاً إلى الأراضي العراقية.",
     [{"type": "withdrawal", "actor": "us", "destinations": {"iraq"}, "assets": {"fuel_tanker": 40}}]),
    ("flown out, en", "en", "BAGHDAD - About 200 coalition troops were flown out of the Qayyarah base to Erbil.",
     [{"type": "airlift", "actor": "us_led_coalition", "origins": {"qayyarah_airbase"}, "destinations": {"erbil_city"}}]),
    ("deploy with نشر, ar", "ar", "القامشلي - نشرت روسيا قواتها في مطار القامشلي.",
     [{"type": "deployment", "actor": "russia", "destinations": {"qamishli_airport"}, "assets": {"troops": None}}]),
    ("reached after setting off: one movement, en", "en",
     "HATAY - A convoy of 25 Turkish vehicles carrying commandos reached Reyhanli after setting off from Kirikhan.",
     [{"type": "deployment", "actor": "turkey", "origins": {"kirikhan"}, "destinations": {"reyhanli"},
       "assets": {"military_vehicle": 25, "troops": None}}]),  # the commandos it carries moved too
    ("by air, ar", "ar", "بغداد - نُقل جزء من المعدات الأميركية جواً من قاعدة عين الأسد إلى الكويت.",
     [{"type": "airlift", "actor": "us", "origins": {"ain_al_asad_airbase"}, "destinations": {"kuwait"}}]),
    ("by air, en", "en", "BAGHDAD - U.S. equipment was moved by air from the Ain al-Asad base to Kuwait.",
     [{"type": "airlift", "actor": "us", "origins": {"ain_al_asad_airbase"}, "destinations": {"kuwait"}}]),
    ("a crossing is the withdrawal the sentence names, en", "en",
     "DOHUK - More than 100 U.S. military vehicles crossed from Syria into Iraq on Monday, part of the pullout.",
     [{"type": "withdrawal", "actor": "us", "origins": {"syria"}, "destinations": {"iraq"}}]),
    # who moved
    ("a relative clause's antecedent moved, ar", "ar",
     "دمشق - انسحبت القوات الأمريكية من منبج، لتحل مكانها القوات الروسية التي انتشرت في مطار القامشلي وتل تمر.",
     [{"type": "withdrawal", "actor": "us", "origins": {"manbij"}},
      {"type": "deployment", "actor": "russia", "destinations": {"qamishli_airport", "tal_tamr"}, "assets": {"troops": None}}]),
    ("a relative clause's antecedent moved, en", "en",
     "BEIRUT - U.S. troops left Manbij on Monday. Russian forces, which deployed to Tal Tamr, now hold the area.",
     [{"type": "withdrawal", "actor": "us", "origins": {"manbij"}},
      {"type": "deployment", "actor": "russia", "destinations": {"tal_tamr"}}]),
    ("a people's town is no actor, en", "en",
     "DOHUK - More than 100 U.S. military vehicles crossed into Iraq on Monday. Residents of the mostly Kurdish "
     "city of Qamishli pelted the armoured vehicles as the column drove through.",
     [{"actor": "us", "destinations": {"iraq"}}]),
    ("whose bases the convoy went to, en", "en",
     "BEIRUT - A spokesman said a convoy of 25 trucks had been sent from Iraq to coalition bases in Hasakah.",
     [{"actor": "us_led_coalition", "type": "deployment", "assets": {"truck": 25}}]),
    ("a passive subject moved, en", "en", "BEIRUT - Smaller contingents were also withdrawn from Kobani and Tabqa.",
     [{"type": "withdrawal", "origins": {"kobani", "tabqa"}, "assets": {"troops": None}}]),
    # places
    ("a new argument resets the locator, ar", "ar",
     "حلب - أرسل الجيش التركي رتلاً يضم 15 آلية من مدينة الباب إلى ريف منبج الجنوبي.",
     [{"actor": "turkey", "origins": {"al_bab"}, "destinations": {"manbij"}, "assets": {"military_vehicle": 15}}]),
    ("a new argument resets the locator, en", "en",
     "ALEPPO - Turkey sent a convoy of 15 vehicles from al-Bab to the countryside of Manbij.",
     [{"actor": "turkey", "origins": {"al_bab"}, "destinations": {"manbij"}, "assets": {"military_vehicle": 15}}]),
    ("a town says more than the desert it is in, ar", "ar",
     "دير الزور - نقلت الميليشيات الإيرانية شحنات أسلحة من البوكمال إلى مواقع في عمق البادية جنوب مدينة الميادين.",
     [{"actor": "iran_backed", "origins": {"albu_kamal"}, "destinations": {"mayadin"}}]),
    ("a town says more than the desert it is in, en", "en",
     "BEIRUT - Iran-backed militias moved weapons from Albu Kamal to positions in the Syrian desert south of Mayadin.",
     [{"actor": "iran_backed", "origins": {"albu_kamal"}, "destinations": {"mayadin"}}]),
    ("a province with ب only locates the town, ar", "ar",
     "أنقرة - وصلت قافلة تركية من 20 مدرعة إلى قضاء أقجة قلعة بولاية شانلي أورفة.",
     [{"actor": "turkey", "destinations": {"akcakale"}}]),
    ("district of a province only locates it, en", "en",
     "HATAY - A convoy of 25 Turkish vehicles reached the Reyhanli district of Hatay province.",
     [{"actor": "turkey", "destinations": {"reyhanli"}}]),
    ("a plan after the trigger is not where it went, ar", "ar",
     "الحسكة - توجه رتل للتحالف الدولي نحو قاعدة خراب الجير، على أن يتوزع جزء منه لاحقاً على قاعدة الشدادي.",
     [{"actor": "us_led_coalition", "destinations": {"kharab_al_jir"}}]),
    ("a plan after the trigger is not where it went, en", "en",
     "HASAKAH - A coalition convoy headed to Kharab al-Jir, and is expected to move on to al-Shaddadi later.",
     [{"actor": "us_led_coalition", "destinations": {"kharab_al_jir"}}]),
    ("the area around a place is that place, en", "en",
     "DAMASCUS - Syrian government forces moved into the town of al-Shaddadi and the area around the al-Hol camp.",
     [{"actor": "syria_gov", "destinations": {"shaddadi", "hol"}}]),
    ("the airport of a town, en", "en", "QAMISHLI - Two Russian helicopters landed at the airport of Qamishli.",
     [{"type": "airlift", "actor": "russia", "destinations": {"qamishli_airport"}, "assets": {"helicopter": 2}}]),
    ("the Kurdish name of a town, ar", "ar", "قامشلو - هبطت طائرة شحن روسية في مطار قامشلو.",
     [{"type": "airlift", "actor": "russia", "destinations": {"qamishli_airport"}}]),
    ("a name that is an ordinary word, in a place's slot, ar", "ar",
     "الأنبار - تحركت قوات الحشد الشعبي من جرف الصخر باتجاه القائم.",
     [{"actor": "iraq", "origins": {"jurf_al_sakhar"}, "destinations": {"qaim"}}]),
    ("along a line is an extent, not an origin, ar", "ar",
     "الأنبار - عززت قوات من الجيش العراقي مواقعها على امتداد الشريط الحدودي من القائم وحتى منفذ الوليد.",
     [{"actor": "iraq", "type": "deployment", "origins": set(), "destinations": set(),
       "locations": {"qaim", "waleed_crossing"}}]),
    ("a noun refers back to where its thing was said to be, ar", "ar",
     "حماة - بدأ الجيش التركي أمس بإخلاء نقطة المراقبة التابعة له في مدينة مورك. ودخل رتل تركي يضم 30 آلية "
     "اليوم إلى محيط النقطة قادماً من معبر كفرلوسين.",
     [{"type": "withdrawal", "actor": "turkey", "origins": {"morek"}},
      {"type": "deployment", "actor": "turkey", "destinations": {"morek"}, "origins": {"kafr_lusin_crossing"}}]),
    # what moved
    ("a definite adjective phrase, ar", "ar", "حماة - نقل الجنود الأتراك الكتل الإسمنتية من نقطة مورك إلى جبل الزاوية.",
     [{"actor": "turkey", "assets": {"concrete_barrier": None}}]),
    ("the convoy's make-up in a joined clause, ar", "ar",
     "الحسكة - دخل رتل للتحالف الدولي من معبر الوليد إلى قاعدة خراب الجير، وضم نحو 45 شاحنة.",
     [{"actor": "us_led_coalition", "assets": {"truck": 45}}]),
    ("whose convoy it is, not what moved, ar", "ar",
     "الحسكة - دخل رتل عسكري جديد لقوات التحالف الدولي يضم 45 شاحنة إلى قاعدة خراب الجير.",
     [{"assets": {"truck": 45}}]),
    ("a joined verb starts another clause, ar", "ar",
     "القامشلي - نشرت روسيا قواتها في مطار القامشلي عام 2019، وحوّلته إلى قاعدة تضم مروحيات.",
     [{"actor": "russia", "destinations": {"qamishli_airport"}, "assets": {"troops": None}}]),
    ("and a new subject starts another clause, en", "en",
     "KOBANI - U.S. troops abandoned the Lafarge cement plant, and U.S. aircraft then destroyed the ammunition.",
     [{"actor": "us", "origins": {"lafarge_base"}, "assets": {"troops": None}}]),
    ("a model name between a number and its noun, en", "en",
     "LATAKIA - At least two An-124 heavy transport aircraft flew out of Hmeimim towards Libya.",
     [{"type": "airlift", "origins": {"hmeimim_airbase"}, "destinations": {"libya"}, "assets": {"cargo_aircraft": 2}}]),
    # one movement or two
    ("a transfer in a clause of its own is another movement, ar", "ar",
     "بغداد - انتقلت قوات أميركية من عين الأسد إلى قاعدة حرير، فيما نُقل جزء من المعدات جواً إلى الكويت.",
     [{"actor": "us", "origins": {"ain_al_asad_airbase"}, "destinations": {"harir_airbase"}},
      {"type": "airlift", "actor": "us", "origins": {"ain_al_asad_airbase"}, "destinations": {"kuwait"}}]),
    ("a convoy told at the same time left from the same place, ar", "ar",
     "القامشلي - أقلعت ثلاث طائرات شحن روسية من مطار القامشلي، فيما غادر رتل بري يضم 25 آلية باتجاه تل تمر.",
     [{"type": "airlift", "origins": {"qamishli_airport"}, "assets": {"cargo_aircraft": 3}},
      {"type": "withdrawal", "origins": {"qamishli_airport"}, "destinations": {"tal_tamr"},
       "assets": {"military_vehicle": 25}}]),
    ("a convoy told at the same time left from the same place, en", "en",
     "QAMISHLI - Three Russian cargo planes took off from Qamishli airport, while a convoy of 25 Russian vehicles "
     "left toward Tal Tamr.",
     [{"type": "airlift", "origins": {"qamishli_airport"}, "assets": {"cargo_aircraft": 3}},
      {"type": "withdrawal", "origins": {"qamishli_airport"}, "destinations": {"tal_tamr"},
       "assets": {"military_vehicle": 25}}]),
    ("a return after a withdrawal goes back in, en", "en",
     "WASHINGTON - The U.S. withdrew its forces from Iraq in 2011, but returned in 2014.",
     [{"type": "withdrawal", "origins": {"iraq"}, "date": date(2011, 1, 1)},
      {"type": "deployment", "destinations": {"iraq"}, "date": date(2014, 1, 1)}]),
    ("the next sentence's half on the same day, ar", "ar",
     "حماة - بدأ الجيش التركي أمس بإخلاء نقطته في مدينة مورك. وقالت مصادر إن الجنود الأتراك شرعوا صباح أمس "
     "بتفكيك الأبراج، وخرج عدد من الشاحنات مساءً باتجاه جبل الزاوية.",
     [{"type": "withdrawal", "actor": "turkey", "origins": {"morek"}, "destinations": {"jabal_al_zawiya"}}]),
    ("a region told first, then the place inside it, en", "en",
     "QAMISHLI - Russia has deployed attack helicopters to an airport in northeastern Syria, state television "
     "reported. It showed three helicopters landing at the airport of Qamishli.",
     [{"type": "airlift", "actor": "russia", "destinations": {"qamishli_airport"}, "assets": {"helicopter": 3}}]),
    ("a key-points line and its paragraph, en", "en",
     "Key takeaways:\n- Iran-backed militias moved fighters from Albu Kamal toward Mayadin on May 1.\n\n"
     "Iran-backed militias transferred around 150 fighters from Albu Kamal to Mayadin on May 1, local sources said.",
     [{"actor": "iran_backed", "origins": {"albu_kamal"}, "destinations": {"mayadin"}, "assets": {"troops": 150}}]),
    ("a definite convoy noun in a clause of its own tells the convoy before, ar", "ar",
     "الحسكة - أخرجت القوات الأمريكية اليوم رتلاً مؤلفاً من 79 صهريجاً إلى الأراضي العراقية عبر معبر المحمودية. "
     "وذكرت مصادر أن الرتل ضم أيضاً عربات مدرعة، وذلك بعد يومين من إخراج رتل آخر مؤلف من 40 صهريجاً عبر المعبر ذاته.",
     [{"assets": {"fuel_tanker": 79, "armored_vehicle": None}, "date": date(2025, 5, 3)},
      {"assets": {"fuel_tanker": 40}, "date": date(2025, 5, 1)}]),
    ("a joint land patrol is no landing, en", "en",
     "ANKARA - The 28th Turkish-Russian joint land patrol was conducted on the M4 highway between Saraqeb and Ariha.",
     [{"type": "patrol", "actor": "turkey", "locations": {"saraqib", "ariha"}},
      {"type": "patrol", "actor": "russia", "locations": {"saraqib", "ariha"}}]),
    ("between two towns, ar", "ar", "إدلب - سيرت القوات التركية دورية على الطريق الدولي بين سراقب وأريحا.",
     [{"type": "patrol", "actor": "turkey", "locations": {"saraqib", "ariha"}}]),
    ("a deployment noun to a named town, ar", "ar",
     "بغداد - أعلنت وزارة الدفاع انتشار قطعات من الفرقة الخامسة عشرة في الجيش العراقي داخل قضاء سنجار.",
     [{"type": "deployment", "actor": "iraq", "destinations": {"sinjar"}}]),
    ("what a reporting verb says next is another proposition, ar", "ar",
     "بغداد - انسحب اللواء 80 من الحشد الشعبي من سنجار إلى تلعفر، مشيراً إلى أن الجيش سيمسك الحدود حتى منطقة ربيعة.",
     [{"type": "withdrawal", "actor": "iraq", "origins": {"sinjar"}, "destinations": {"tal_afar"}}]),
    ("what a reporting verb says next is another proposition, en", "en",
     "BAGHDAD - PMF units withdrew from Sinjar to Tal Afar, adding that the army would hold the border up to Rabia.",
     [{"type": "withdrawal", "actor": "iraq", "origins": {"sinjar"}, "destinations": {"tal_afar"}}]),
    ("a Turkish base is not in Turkey, ar", "ar",
     "حماة - خرجت 25 شاحنة من نقطة شير مغار باتجاه قاعدة تركية في بلدة قوقفين بجبل الزاوية.",
     [{"type": "withdrawal", "destinations": {"qoqfin"}}]),
    ("a convoy told at the same time is another movement, en", "en",
     "BAGHDAD - Heavy coalition equipment was flown out of the Ain al-Asad base, while a convoy of some thirty "
     "armoured vehicles drove north toward Erbil.",
     [{"type": "airlift", "origins": {"ain_al_asad_airbase"}, "assets": {"equipment": None}},
      {"origins": {"ain_al_asad_airbase"}, "destinations": {"erbil_city"}, "assets": {"armored_vehicle": 30}}]),
    # when
    ("a lead gives its day to the convoy told next, ar", "ar",
     "أنقرة - واصل الجيش التركي، الثلاثاء، إرسال تعزيزات عسكرية إلى الوحدات المنتشرة على الحدود. "
     "وأفاد مراسل الأناضول أن قافلة من 20 مدرعة وصلت إلى قضاء أقجة قلعة.",
     [{"destinations": {"akcakale"}, "date": date(2025, 4, 29)}]),
    ("a lead gives its day to the convoy told next, en", "en",
     "HATAY - The Turkish army on Wednesday sent more commando units to the border. A convoy of 25 vehicles "
     "reached Reyhanli.",
     [{"destinations": {"reyhanli"}, "date": date(2025, 4, 30)}]),
    # the thing that moved, named again (practice4 round)
    ("the convoy named again in a later clause is the one told, ar", "ar",
     "حلب - دخل رتل عسكري تركي إلى ريف حلب الشمالي عبر معبر باب السلامة صباح اليوم. "
     "وقال مصدر محلي إن الرتل ضم 40 آلية وتوجه نحو مدينة الباب.",
     [{"actor": "turkey", "destinations": {"al_bab"}, "assets": {"military_vehicle": 40}, "date": PUBLISHED}]),
    ("the second convoy is another one, ar", "ar",
     "حلب - دخل رتل عسكري تركي إلى ريف حلب الشمالي عبر معبر باب السلامة صباح اليوم. "
     "وقال مصدر محلي إن الرتل الثاني ضم 40 آلية وتوجه نحو مدينة الباب.",
     [{"actor": "turkey", "assets": {}}, {"destinations": {"al_bab"}, "assets": {"military_vehicle": 40}}]),
    ("the troops named again before a passive verb are the ones told, en", "en",
     "BAGHDAD - The United States flew about 300 more troops into the Ain al-Asad base on Monday, officials said. "
     "The soldiers, with their vehicles, were flown in by helicopter from Kuwait.",
     [{"type": "airlift", "origins": {"kuwait"}, "destinations": {"ain_al_asad_airbase"}}]),
    ("the convoy that left, told again as it arrives, ar", "ar",
     "الحسكة - غادر رتل للقوات الأمريكية قاعدة الشدادي فجر اليوم متوجهاً إلى العراق. وقال مصدر محلي إن الرتل ضم "
     "40 شاحنة، وسلك طريق اليعربية قبل أن يصل إلى مدينة أربيل مساءً.",
     [{"type": "withdrawal", "origins": {"shaddadi_base"}, "destinations": {"erbil_city"}, "assets": {"truck": 40}}]),
    ("the convoy that left, told again as it arrives, en", "en",
     "HASAKAH - A U.S. convoy left the Shaddadi base on Monday heading for Iraq. A local source said the convoy "
     "included 40 trucks and reached Erbil in the evening.",
     [{"type": "withdrawal", "origins": {"shaddadi_base"}, "destinations": {"erbil_city"}, "assets": {"truck": 40}}]),
    ("troops named again as an asset noun are the ones told, en", "en",
     "AMMAN - The United States flew about 200 more Marines into the Ain al-Asad base, officials said on Monday. "
     "The Marines, with their artillery, were flown in by helicopter from Kuwait on Saturday.",
     [{"type": "airlift", "origins": {"kuwait"}, "destinations": {"ain_al_asad_airbase"}, "assets": {
         "troops": 200, "artillery": None, "helicopter": None}}]),
    ("units put before the verb by a complementizer moved; the unit's adjective is no vehicle, ar", "ar",
     "بغداد - وقال قائد العمليات إن لواءين من الفرقة المدرعة الخامسة تحركا من معسكر التاجي باتجاه القائم.",
     [{"origins": {"taji_base"}, "destinations": {"qaim"}, "assets": {"troops": None}}]),
    ("a town near which it entered a country says more than the country, en", "en",
     "GAZIANTEP - Turkish tanks crossed the border into Syria near the town of Jarablus on Monday.",
     [{"type": "deployment", "actor": "turkey", "destinations": {"jarablus"}}]),
    ("a town near which it entered a country says more than the country, ar", "ar",
     "غازي عنتاب - دخلت دبابات تركية إلى سوريا قرب مدينة جرابلس يوم الاثنين.",
     [{"type": "deployment", "actor": "turkey", "destinations": {"jarablus"}}]),
    ("a plan word after its movement noun governs the noun, not the handover told, en", "en",
     "BAGHDAD - The U.S.-led coalition handed over the Victory base near Baghdad airport to Iraqi forces on Tuesday, "
     "the final step of a withdrawal agreed last year, an Iraqi official said.",
     [{"type": "withdrawal", "actor": "us_led_coalition", "origins": {"victory_base"}}]),
    ("a dual base noun with a pronoun suffix, ar", "ar", "الحسكة - أخلت القوات الأمريكية قاعدتيها في الشدادي وتل بيدر.",
     [{"type": "withdrawal", "actor": "us", "origins": {"shaddadi_base", "tal_baydar_base"}}]),
]


@pytest.mark.parametrize("language, text, expected",
                         [pytest.param(lang, text, exp, id=name) for name, lang, text, exp in MOVEMENT_CASES])
def test_movement_frames(extractor, language, text, expected):
    assert_frames(movements(read(extractor, text, language)), expected)


NO_MOVEMENT_CASES = [
    ("detainees are not forces, ar", "ar", "الحسكة - نقلت القوات الأميركية 150 من معتقلي داعش جواً من الحسكة إلى بغداد."),
    ("detainees are not forces, en", "en", "BAGHDAD - The first group of 150 detainees was flown from Hasakah to Baghdad."),
    ("a verb inside a compound modifier, en", "en", "WASHINGTON - The Pentagon put 2,000 troops on prepare-to-deploy orders."),
    ("a convoy that was hit, en", "en", "BEIRUT - An airstrike hit a convoy of fuel tankers near Albu Kamal."),
    ("demanded, ar", "ar", "دمشق - وسط مطالبات سورية متكررة بخروج القوات الأمريكية من منطقة التنف."),
    ("social media talk, ar", "ar",
     "بغداد - تحدثت حسابات على منصات التواصل عن خروج رتل أميركي من قاعدة عين الأسد باتجاه الحدود السورية."),
    ("could not be verified, en", "en",
     "BEIRUT - Social media accounts said a U.S. convoy left the Ain al-Asad base, which could not be verified."),
    ("what is left behind does not move, en", "en", "KOBANI - U.S. aircraft destroyed the ammunition left behind at the plant."),
    ("habitual redeployments, ar", "ar", "واشنطن - يعيد الجيش الأميركي نشر وحداته بصورة دورية في سوريا."),
    ("an intention, ar", "ar", "دمشق - ويأتي ذلك وسط حديث عن نية واشنطن سحب قواتها من قاعدة التنف خلال الأشهر المقبلة."),
    ("an intention, en", "en", "WASHINGTON - Washington has signalled its intention to withdraw its troops from al-Tanf."),
    ("a deployment noun for a presence, ar", "ar", "دمشق - ويثير انتشار القوات الأمريكية في سوريا مخاوف الحكومة."),
    ("a force deployed in a country is a level, en", "en",
     "MOSCOW - Russia had deployed around 7,500 soldiers in Syria before the rebel offensive."),
    ("a convoy an attack verb takes as object after its subject, ar", "ar",
     "دير الزور - استهدفت طائرات مسيرة مجهولة، مساء أمس، رتلاً من الصهاريج قرب مدينة الميادين."),
    ("a denial told after the claim, en", "en", "RAQQA - Reports that our forces have withdrawn from Tabqa are false."),
    ("a denial told after the claim, ar", "ar", "الرقة - الأنباء عن انسحاب قواتنا من مدينة الطبقة عارية عن الصحة."),
    ("a convoy that was blocked, en", "en", "QAMISHLI - A Russian convoy heading to Amuda was blocked by residents on Monday."),
    ("mourners are not forces, ar", "ar", "دمشق - وخرج آلاف المشيعين من مدينة القامشلي باتجاه عامودا."),
    ("mourners are not forces, en", "en", "BEIRUT - Hundreds of mourners left Qamishli for Amuda on Monday."),
    ("demonstrators are not forces, en", "en", "BEIRUT - Crowds of demonstrators marched from Qamishli to Amuda on Monday."),
    ("detained people are not forces, ar", "ar", "الحسكة - وصل عشرات الموقوفين إلى مدينة الحسكة."),
    ("blocked from moving, en", "en", "BEIRUT - Russian military police patrols were blocked from entering the town of Amuda on Monday."),
    ("a decision to withdraw, ar", "ar", "دمشق - قررت روسيا سحب قواتها من مطار القامشلي."),
    ("a decision noun, ar", "ar", "دمشق - وأكد المتحدث قرار واشنطن سحب قواتها من قاعدة التنف."),
    ("what is being circulated, ar", "ar", "دمشق - ويتم تداول أنباء عن وصول رتل روسي إلى مطار القامشلي."),
]


@pytest.mark.parametrize("language, text", [pytest.param(lang, text, id=name) for name, lang, text in NO_MOVEMENT_CASES])
def test_no_movement(extractor, language, text):
    assert movements(read(extractor, text, language)) == []


@pytest.mark.parametrize("language, text", [
    pytest.param("ar", "الأنبار - وصل رتل يضم 30 آلية إلى قاعدة عين الأسد، بعد هزيمة الفصائل العراقية في المنطقة.", id="ar"),
    pytest.param("en", "ANBAR - A convoy of 30 vehicles reached the Ain al-Asad base following the defeat of Iraqi militias "
                 "in the area.", id="en"),
])
def test_a_defeated_force_did_not_move(extractor, language, text):
    found = movements(read(extractor, text, language))
    assert [m["destinations"] for m in found] == [{"ain_al_asad_airbase"}]
    assert found[0]["actor"] != "iran_backed"


def test_a_lone_dateline_ends_the_head(extractor):
    """"الحسكة-سانا" on a line of its own: the short lead after it is body, not a subtitle."""
    text = ("قوات الاحتلال الأمريكي تسرق 79 صهريجاً\n\nالاثنين، 12 أيلول 2022\n\nالحسكة-سانا\n\n"
            "أخرجت قوات الاحتلال الأمريكي اليوم رتلاً مؤلفاً من 79 صهريجاً إلى الأراضي العراقية.")
    found = movements(read(extractor, text, "ar", date(2022, 9, 12)))
    assert [(m["actor"], m["destinations"], m["assets"]) for m in found] == [("us", {"iraq"}, {"fuel_tanker": 79})]


def test_a_year_in_the_title_is_not_the_date_line(extractor):
    text = ("Iran Update, November 14, 2023\n\nMilitias shift fighters inside eastern Syria after US strikes\n"
            "November 14, 2023\n\nIran-backed militias moved 150 fighters from Albu Kamal to Mayadin on November 12.")
    found = movements(read(extractor, text, "en", date(2023, 11, 14)))
    assert [(m["origins"], m["destinations"]) for m in found] == [({"albu_kamal"}, {"mayadin"})]


def test_an_ordinary_word_is_not_a_place(extractor):
    found = movements(read(extractor, "BEIRUT - Militias moved fighters to positions hit by US strikes near Mayadin.", "en"))
    assert all("hit" not in m["destinations"] for m in found)
    found = movements(read(extractor, "الأنبار - وصلت تعزيزات للحشد الشعبي في ظل الوضع القائم إلى الحدود.", "ar"))
    assert all("qaim" not in m["destinations"] | m["locations"] for m in found)


# ---------------------------------------------------------------- force levels

CLAIM_CASES = [
    ("a change from a figure to a target, en", "en",
     "WASHINGTON - The Pentagon said on Monday it would cut its forces in Iraq from about 2,500 to fewer than 2,000.",
     [{"value": 2500, "status": "current"}, {"value": 2000, "status": "planned", "qualifier": "less_than"}]),
    ("a change said in a month over starts from a figure of then, en", "en",
     "WASHINGTON - The Pentagon said in March that it would cut its forces in Iraq to fewer than 2,000, from about 2,500.",
     [{"value": 2500, "status": "past"}, {"value": 2000, "status": "planned"}]),
    ("a change said in a month over starts from a figure of then, ar", "ar",
     "دمشق - وقال البنتاغون في آذار الماضي إن العدد سينخفض من نحو ثلاثة آلاف جندي إلى أقل من ألفين.",
     [{"value": 3000, "status": "past"}, {"value": 2000, "status": "planned"}]),
    ("a change said today starts from the figure now, ar", "ar",
     "دمشق - وقال البنتاغون اليوم إن العدد سينخفض من نحو ثلاثة آلاف جندي إلى أقل من ألفين.",
     [{"value": 3000, "status": "current"}, {"value": 2000, "status": "planned"}]),
    ("the count of the troops just named is cut, en", "en",
     "WASHINGTON - The Pentagon said on Monday it would regroup its forces in Syria and cut their number to fewer "
     "than 1,500, from about 2,000.",
     [{"value": 1500, "status": "planned", "qualifier": "less_than"}, {"value": 2000, "status": "current"}]),
    ("what is still in use is a figure now, of a total held earlier, en", "en",
     "ANKARA - Of the six posts Turkish forces held in Idlib at the start of the year, two are still in use.",
     [{"metric": "bases", "value": 6, "status": "past"}, {"metric": "bases", "value": 2, "status": "current"}]),
    ("a base now empty of a force is a full withdrawal done, en", "en",
     'QAMISHLI - "The base is now empty of American soldiers," a Kurdish official said.',
     [{"actor": "us", "value": 0, "status": "current", "source": "other:kurdish_officials"}]),
    ("a clause of time has its own time, ar", "ar",
     "دمشق - وتقدر مصادر محلية عدد عناصر الحرس الثوري في سوريا حالياً بنحو ألف عنصر، بعدما بلغ نحو 4 آلاف في عام 2017.",
     [{"value": 1000, "status": "current"}, {"value": 4000, "status": "past"}]),
    ("the force it was formed to fight is not whose figure it is, en", "en",
     "BAGHDAD - The PMF, formed in 2014 to fight the Islamic State group, has some 100,000 fighters.",
     [{"actor": "iraq", "value": 100000, "status": "current"}]),
    ("a part of the figure before, ar", "ar",
     "دمشق - وتتمركز قوات التحالف الدولي في 23 قاعدة ونقطة عسكرية في سوريا، 17 منها في محافظة الحسكة.",
     [{"metric": "bases", "value": 23}, {"metric": "bases", "value": 17}]),
    ("a part of the figure before, en", "en",
     "BEIRUT - The coalition operates 23 bases and outposts in Syria, 17 of them in Hasakah province.",
     [{"metric": "bases", "value": 23}, {"metric": "bases", "value": 17}]),
    ("the target of a cut of troops, ar", "ar", "بغداد - قد يخفض البنتاغون قواته في العراق إلى أقل من 2000 بحلول نهاية العام.",
     [{"actor": "us", "metric": "troops", "value": 2000, "qualifier": "less_than", "status": "planned"}]),
    ("the target of a cut of troops, en", "en",
     "WASHINGTON - The Pentagon could cut its forces in Iraq to fewer than 2,000 by the end of the year.",
     [{"actor": "us", "metric": "troops", "value": 2000, "qualifier": "less_than", "status": "planned"}]),
    ("what remains of a force counted before, en", "en",
     "MOSCOW - Russia had about 7,500 troops in Syria before the offensive. An official said fewer than 4,000 now remain.",
     [{"actor": "russia", "value": 7500, "status": "past"}, {"actor": "russia", "value": 4000, "status": "current",
                                                              "qualifier": "less_than"}]),
    ("the strength of a moving unit is its size, ar", "ar",
     "الأنبار - تحركت ثلاثة ألوية من الحشد الشعبي من جرف الصخر باتجاه القائم، ويبلغ قوامها نحو ألفي مقاتل.", []),
    ("the strength of a moving unit is its size, en", "en",
     "ANBAR - Three PMF brigades moved from Jurf al-Sakhar towards al-Qaim, numbering about 2,000 fighters.", []),
    ("a load aboard is what moved, ar", "ar",
     "القامشلي - هبطت طائرة روسية في مطار القامشلي وعلى متنها نحو 120 عنصراً من الشرطة العسكرية.", []),
    ("a load aboard is what moved, en", "en",
     "QAMISHLI - A Russian plane landed at Qamishli airport with about 120 military police aboard.", []),
    ("foreign sites of several states, ar", "ar", "دمشق - بلغ عدد المواقع العسكرية الأجنبية في سوريا نحو 830 موقعاً.", []),
    ("foreign sites of several states, en", "en", "BEIRUT - There are some 830 foreign military sites in Syria.", []),
    ("a count over the years, en", "en",
     "MOSCOW - The ministry said more than 63,000 servicemen had gained combat experience in Syria.", []),
    ("a count over the years, ar", "ar", "موسكو - وقالت الوزارة إن أكثر من 63 ألف عسكري روسي اكتسبوا خبرة قتالية في سوريا.", []),
    ("a past rise reaches today's figure, ar", "ar",
     "دمشق - ومقارنة بمطلع عام 2021، ارتفع عدد المواقع الروسية في سوريا من 83 موقعاً إلى 105.",
     [{"actor": "russia", "value": 83, "status": "past"}, {"actor": "russia", "value": 105, "status": "current"}]),
    ("a past fall reaches today's figure, en", "en",
     "BEIRUT - The number of Russian sites in Syria fell from 110 to 105 this year.",
     [{"actor": "russia", "value": 110, "status": "past"}, {"actor": "russia", "value": 105, "status": "current"}]),
    ("a dated past fall stays past, en", "en",
     "WASHINGTON - About 2,000 U.S. troops were in Syria in 2017. The number fell to around 900 by 2020.",
     [{"value": 2000, "status": "past"}, {"value": 900, "status": "past"}]),
    ("a modal projects the figure, en", "en",
     "WASHINGTON - Two U.S. officials said Washington was considering leaving roughly 200 troops in eastern Syria.",
     [{"actor": "us", "value": 200, "status": "planned"}]),
    ("a projection right after the figure, en", "en",
     "WASHINGTON - Some 600 U.S. troops are expected to remain in Syria, officials said.",
     [{"actor": "us", "value": 600, "status": "planned"}]),
    ("a force named by a determiner exists, en", "en",
     "WASHINGTON - Washington weighs the future of its roughly 1,000 troops in Syria.",
     [{"actor": "us", "value": 1000, "status": "current"}]),
    ("a verb of exceeding, ar", "ar", "بغداد - ويتجاوز عدد القوات العراقية المنتشرة على الحدود مع سوريا 100 ألف عنصر.",
     [{"actor": "iraq", "value": 100000, "qualifier": "more_than"}]),
    ("a verb of exceeding, en", "en",
     "BAGHDAD - The number of Iraqi troops deployed along the border with Syria exceeds 100,000.",
     [{"actor": "iraq", "value": 100000, "qualifier": "more_than"}]),
    ("the qualifier of a coordinated figure, en", "en",
     "WASHINGTON - The United States has approximately 900 troops in Syria and 2,500 in Iraq.",
     [{"value": 900, "qualifier": "approx"}, {"value": 2500, "qualifier": "approx"}]),
    ("the qualifier of a coordinated figure, ar", "ar",
     "واشنطن - وتنشر الولايات المتحدة نحو 900 جندي في سوريا و2500 في العراق.",
     [{"value": 900, "qualifier": "approx"}, {"value": 2500, "qualifier": "approx"}]),
    ("not the actor of a closed subordinate clause, ar", "ar",
     "منبج - سيطرت قسد على سد تشرين بعد طرد داعش منه، ويقدّر عدد مقاتليها بنحو 100 ألف مقاتل.",
     [{"actor": "sdf", "value": 100000}]),
    ("the whole force leaving, en", "en",
     "WASHINGTON - Esper said all of the nearly 1,000 U.S. troops withdrawing from northern Syria were expected to move "
     "to western Iraq.",
     [{"actor": "us", "value": 1000, "status": "current"}, {"actor": "us", "value": 0, "status": "planned"}]),
    ("a force deployed in a country is a level, en", "en",
     "MOSCOW - Russia had deployed around 7,500 soldiers in Syria before the rebel offensive, analysts estimate.",
     [{"actor": "russia", "value": 7500, "status": "past"}]),
    ("a count given with a past كان, ar", "ar",
     "دمشق - وكان عدد العسكريين الروس في سوريا يُقدّر بنحو 7500 عسكري قبل سقوط النظام، موزعين على أكثر من 100 موقع.",
     [{"actor": "russia", "value": 7500, "status": "past"}, {"actor": "russia", "value": 100, "status": "past",
                                                              "metric": "bases"}]),
    ("convoys counted are not a level, ar", "ar", "إدلب - رصد المرصد السوري حركة ثلاثة أرتال عسكرية تركية في إدلب.", []),
    ("convoys counted are not a level, en", "en", "IDLIB - The monitor recorded three Turkish military convoys in Idlib.", []),
    ("a fifteenth division is no count, ar", "ar", "بغداد - انتشرت قطعات من الفرقة الخامسة عشرة في الجيش العراقي في سنجار.", []),
    ("the two bases named are not counted, ar", "ar",
     "دمشق - تحدثت تقارير عن نية تركيا نشر منظومات دفاع جوي في قاعدتي التيفور وتدمر.", []),
    ("the whole force coming home, en", "en",
     "WASHINGTON - There are roughly two thousand U.S. service members in Syria, and all of them will be coming home.",
     [{"actor": "us", "value": 2000, "status": "current"}, {"actor": "us", "value": 0, "status": "planned"}]),
    ("a reported future is a plan, en", "en",
     "WASHINGTON - President Donald Trump announced that all U.S. forces would come home from Syria.",
     [{"actor": "us", "value": 0, "status": "planned", "source": "white_house"}]),
    ("a figure kept since a year is a current one, en", "en",
     "WASHINGTON - The United States has kept about 900 troops in Syria since 2019.",
     [{"actor": "us", "value": 900, "status": "current"}]),
    ("a figure kept since a year is a current one, ar", "ar",
     "واشنطن - وتنشر الولايات المتحدة نحو 900 جندي في سوريا ومنذ عام 2019.",
     [{"actor": "us", "value": 900, "status": "current"}]),
    ("a figure of a year over is a past one, ar", "ar",
     "واشنطن - وبلغ عدد القوات الأمريكية في سوريا نحو 900 جندي في عام 2019.",
     [{"actor": "us", "value": 900, "status": "past"}]),
    ("the figure it had acknowledged, en", "en",
     "WASHINGTON - The U.S. has around 2,000 troops in Syria, more than double the figure of 900 it had "
     "acknowledged for years.",
     [{"value": 2000, "status": "current"}, {"value": 900, "status": "past"}]),
]


@pytest.mark.parametrize("language, text, expected", [
    pytest.param(lang, text, exp, id=name) for name, lang, text, exp in CLAIM_CASES])
def test_force_level_claims(extractor, language, text, expected):
    assert_frames(claims(read(extractor, text, language)), expected)


def test_the_moving_unit_sizes_the_movement(extractor):
    text = "الأنبار - تحركت ثلاثة ألوية من الحشد الشعبي من جرف الصخر باتجاه القائم، ويبلغ قوامها نحو ألفي مقاتل."
    assert [m["assets"] for m in movements(read(extractor, text, "ar"))] == [{"troops": 2000}]


# ---------------------------------------------------------------- sources

SOURCE_CASES = [
    ("a source named after the figure, ar", "ar",
     "دمشق - وتتمركز القوات في 23 قاعدة وفقاً للمرصد السوري، فيما يبلغ عدد الجنود الأمريكيين في سوريا نحو "
     "900 جندي، بحسب تصريحات البنتاغون.", {23: "sohr", 900: "pentagon"}),
    ("a source named after the figure, en", "en",
     "BEIRUT - Coalition forces hold 23 sites, the Syrian Observatory said, while the number of U.S. troops in "
     "Syria is about 900, according to the Pentagon.", {23: "sohr", 900: "pentagon"}),
    ("who the source told is not the source, ar", "ar",
     "الأنبار - وقال المصدر لوكالة شفق نيوز إن عدد القوات العراقية على الحدود يبلغ نحو 100 ألف.", {100000: "local_sources"}),
    ("a source named in the figure's own clause, ar", "ar",
     "موسكو - ولم تعلن وزارة الدفاع الروسية عن أي انسحاب، فيما نقلت وكالة تاس عن مصدر أن مصير القاعدتين في "
     "حميميم وطرطوس قيد البحث.", {2: "tass"}),
    ("the speaker before 'that', not the subject after it, en", "en",
     "BEIRUT - U.S. officials told Reuters that the Pentagon could cut the number of troops in Syria to about 1,000.",
     {1000: "us_officials"}),
    ("a ministry that recalled a figure, en", "en",
     "ANKARA - Türkiye maintains twelve observation posts in Idlib, the National Defence Ministry recalled.", {12: "turkish_mod"}),
    ("who the source told is not the source, en", "en",
     "KOBANI - Local sources told North Press that about 2,000 U.S. troops are in Syria.", {2000: "local_sources"}),
]


@pytest.mark.parametrize("text, source", [
    ("WASHINGTON - About 900 U.S. troops remain in Syria, a Pentagon official said.", "pentagon"),
    ("BAGHDAD - Some 2,500 U.S. troops are in Iraq, an Iraqi official said.", "iraqi_officials"),
])
def test_one_of_a_group_of_sources_speaks_for_it(extractor, text, source):
    assert [c["source"] for c in claims(read(extractor, text, "en"))] == [source]


def test_the_speaker_that_opens_a_clause_gives_its_figure(extractor):
    """"بينما قدرت مصادر في قسد العدد بنحو 1500": the verb of saying governs the figure, with no "أن"."""
    text = ("دمشق - وقال البنتاغون إن عدد الجنود في سوريا يبلغ نحو 900 جندي، بينما قدرت مصادر في قسد العدد بنحو 1500 "
            "جندي، في حين تحدثت صحيفة وول ستريت جورنال عن 2000 جندي.")
    assert [(c["value"], c["source"]) for c in claims(read(extractor, text, "ar"))] == [
        (900, "pentagon"), (1500, "sdf_officials"), (2000, "wsj")]
    text = "BEIRUT - There are about 900 U.S. troops in Syria, according to an SDF official."
    assert [c["source"] for c in claims(read(extractor, text, "en"))] == ["sdf_officials"]


def test_a_contrast_opens_the_clause_of_another_source(extractor):
    """"X تقدر ... بنحو 3 آلاف، في حين تقول Y إن العدد ...": each figure is its own clause's speaker's; a range
    ("بين 4 و5 آلاف") opens no clause."""
    text = ("دمشق - وتقدر مصادر محلية عدد الجنود الروس في سوريا بنحو 3 آلاف جندي، في حين تقول مصادر تركية إن العدد "
            "يتراوح بين 4 و5 آلاف، موزعين على 20 موقعاً.")
    assert [(c["value"], c["source"]) for c in claims(read(extractor, text, "ar"))] == [
        (3000, "local_sources"), (4000, "other:turkish_sources"), (20, "other:turkish_sources")]


@pytest.mark.parametrize("language, text, sources", [pytest.param(*case[1:], id=case[0]) for case in SOURCE_CASES])
def test_attribution(extractor, language, text, sources):
    found = {c["value"]: c["source"] for c in claims(read(extractor, text, language))}
    assert found == sources


def test_also_goes_on_with_the_reporter(extractor):
    text = ("أنقرة - وأفاد مراسل الأناضول أن قافلة من 20 مدرعة وصلت إلى قضاء أقجة قلعة. "
            "كما وصلت تعزيزات تضم دبابات إلى قضاء جيلان بينار.")
    assert [m["source"] for m in movements(read(extractor, text, "ar"))] == ["anadolu", "anadolu"]


def test_a_date_measured_to_the_next_event_is_that_events(extractor):
    text = "الحسكة - وصل رتل أمريكي اليوم إلى قاعدة الشدادي، وذلك بعد يومين من إخراج رتل آخر من حقل العمر."
    found = sorted(movements(read(extractor, text, "ar")), key=lambda m: m["date"])
    assert [m["date"] for m in found] == [date(2025, 5, 1), date(2025, 5, 3)]


def test_items_of_a_list_take_the_source_that_announced_it(extractor):
    text = ("إدلب - رصد المرصد السوري لحقوق الإنسان حركة ثلاثة أرتال عسكرية في إدلب. ودخل الرتل الأول، ويضم 35 آلية "
            "تركية، من معبر كفرلوسين واتجه إلى جبل الزاوية. أما الرتل الثاني، فمؤلف من 20 آلية تركية، وانسحب من "
            "مدينة سرمين باتجاه مطار تفتناز.")
    assert [m["source"] for m in movements(read(extractor, text, "ar"))] == ["sohr", "sohr"]
    text = ("IDLIB - The Syrian Observatory for Human Rights recorded three convoys. The first convoy, of 35 Turkish "
            "vehicles, entered through Kafr Lusin and headed to Jabal al-Zawiya. The second convoy, of 20 Turkish "
            "vehicles, withdrew from Sarmin toward the Taftanaz air base.")
    assert [m["source"] for m in movements(read(extractor, text, "en"))] == ["sohr", "sohr"]


def test_a_figure_sizes_the_movement_counted_from_its_noun(extractor):
    """"Around 300 special forces troops were seen moving": the words of the counted noun are no gap."""
    found = read(extractor, "BEIRUT - Around 300 Iraqi special forces troops were seen moving from Rabia toward the "
                            "Syrian side, a witness said.", "en")
    assert claims(found) == []
    assert [(m["origins"], m["assets"]) for m in movements(found)] == [({"rabia"}, {"troops": 300})]


@pytest.mark.parametrize("language, text", [
    pytest.param("ar", "يرصد المرصد السوري لحقوق الإنسان أبرز التطورات الميدانية خلال الساعات الماضية:\n\n"
                 "- وصل رتل للقوات الروسية يضم 12 آلية إلى مطار القامشلي.\n\n"
                 "- انسحبت قوات النظام من بلدة تل تمر باتجاه الحسكة.", id="ar"),
    pytest.param("en", "These are the main events recorded by SOHR activists on Sunday:\n\n"
                 "Hasakah: A Russian convoy of 12 vehicles arrived at Qamishli airport.\n\n"
                 "Hasakah: Regime forces withdrew from Tal Tamr toward Hasakah city.", id="en"),
])
def test_a_round_up_announced_with_a_colon_is_its_sources_report(extractor, language, text):
    assert [m["source"] for m in movements(read(extractor, text, language))] == ["sohr", "sohr"]


@pytest.mark.parametrize("language, text", [
    pytest.param("ar", "تغطية مباشرة | الحسكة\n\nعاجل | 07:30\nرتل روسي يضم 8 عربات يصل إلى مطار القامشلي.\n\n"
                 "10:45\nانسحاب قوات النظام من بلدة تل تمر باتجاه مدينة الحسكة.", id="ar"),
    pytest.param("en", "Live updates | Hasakah\n\nBreaking | 07:30\nA Russian convoy of 8 vehicles arrives at Qamishli "
                 "airport.\n\n10:45\nRegime forces withdraw from Tal Tamr toward Hasakah city.", id="en"),
])
def test_a_live_post_stamped_with_a_clock_time_is_of_the_day_published(extractor, language, text):
    assert [m["date"] for m in movements(read(extractor, text, language))] == [PUBLISHED, PUBLISHED]


@pytest.mark.parametrize("language, text", [
    pytest.param("en", "Main events of the day:\n\nHasakah: Russian forces conducted a patrol with four armoured vehicles "
                 "in the countryside of al-Malikiyah.", id="en"),
    pytest.param("ar", "أبرز الأحداث:\n\nالحسكة: سيرت القوات الروسية دورية من 4 عربات مدرعة في ريف المالكية.", id="ar"),
])
def test_a_place_that_labels_a_round_up_item_is_not_where_it_happened(extractor, language, text):
    assert [m["locations"] for m in movements(read(extractor, text, language))] == [{"malikiyah"}]


@pytest.mark.parametrize("language, text", [
    pytest.param("ar", "حماة - وأفاد مراسل محلي بأن قافلة تضم نحو 20 شاحنة انطلقت من نقطة مورك نحو جبل الزاوية، برفقة دوريات "
                 "من الشرطة العسكرية الروسية.", id="ar"),
    pytest.param("en", "HAMA - A convoy of about 20 trucks set off from the Morek post toward Jabal al-Zawiya, escorted by "
                 "patrols of the Russian military police.", id="en"),
])
def test_who_escorts_a_convoy_does_not_move_in_it(extractor, language, text):
    found = movements(read(extractor, text, language))
    assert [(m["type"], m["origins"], m["assets"]) for m in found] == [("withdrawal", {"morek"}, {"truck": 20})]
    assert found[0]["actor"] != "russia"


def test_the_figure_a_change_starts_from_is_dated_when_it_was_said(extractor):
    tables = read(extractor, "WASHINGTON - The Pentagon said in March that it would cut its forces in Iraq to fewer "
                             "than 2,000, from about 2,500.", "en")
    past = [c for c in tables.force_levels if c["status"] == "past"]
    assert [(c["value"], c["ref_date"], c["ref_date_precision"]) for c in past] == [(2500, date(2025, 3, 1), "month")]


@pytest.mark.parametrize("language, text, kept", [
    pytest.param("en", "WASHINGTON - U.S. forces have pulled back from two observation posts on the border, a U.S. "
                 "official said.", [], id="left, en"),
    pytest.param("ar", "واشنطن - انسحبت القوات الأمريكية من ثلاث نقاط على الحدود، بحسب مسؤول أمريكي.", [], id="left, ar"),
    pytest.param("en", "WASHINGTON - The coalition operates from eight bases in Iraq.", [8], id="held, en"),
])
def test_the_bases_a_movement_left_are_no_count_of_bases_held(extractor, language, text, kept):
    assert [c["value"] for c in claims(read(extractor, text, language)) if c["metric"] == "bases"] == kept
