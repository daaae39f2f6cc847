"""The languages the language reward supports: their scripts and their function words.

Every supported target has its writing system(s) here.  Where several supported languages
share a script (Latin, Cyrillic, Arabic, Devanagari), each also has a list of its most
frequent function words: a clause that is plainly one of them is decided by counting these,
without langdetect, which is what keeps the common case cheap.  The lists favour words
that tell the languages apart; a word shared by several lists is evidence for each.
Single letters are listed where they are telling ("y" Spanish "and", "и" Russian "and"):
they are evidence although they are never counted as words.
"""

from __future__ import annotations

from functools import cache

# ISO 639-1 code -> scripts (ISO 15924) its words are written in.
SCRIPTS: dict[str, frozenset[str]] = {
    **{
        code: frozenset({"Latn"})
        for code in (
            [
                "en",
                "fr",
                "de",
                "es",
                "it",
                "pt",
                "nl",
                "vi",
                "pl",
                "tr",
                "id",
                "sv",
                "ro",
                "cs",
                "fi",
                "hu",
                "ca",
            ]
        )
    },
    **{code: frozenset({"Cyrl"}) for code in ("ru", "uk", "bg")},
    **{code: frozenset({"Arab"}) for code in ("ar", "fa", "ur")},
    **{code: frozenset({"Deva"}) for code in ("hi", "mr", "ne")},
    "zh": frozenset({"Hani"}),
    "ja": frozenset({"Hani", "Kana"}),
    "ko": frozenset({"Hang"}),
    "el": frozenset({"Grek"}),
    "he": frozenset({"Hebr"}),
    "th": frozenset({"Thai"}),
    "bn": frozenset({"Beng"}),
    "pa": frozenset({"Guru"}),
    "gu": frozenset({"Gujr"}),
    "ta": frozenset({"Taml"}),
    "te": frozenset({"Telu"}),
    "kn": frozenset({"Knda"}),
    "ml": frozenset({"Mlym"}),
}

# Codes accepted for a target and what they mean.
ALIASES: dict[str, str] = {
    "iw": "he",
    "in": "id",
    "jp": "ja",
    "kr": "ko",
    "cn": "zh",
    "cmn": "zh",
    "zho": "zh",
    "chi": "zh",
    "eng": "en",
    "fra": "fr",
    "fre": "fr",
    "deu": "de",
    "ger": "de",
    "spa": "es",
    "rus": "ru",
    "jpn": "ja",
    "kor": "ko",
    "ara": "ar",
    "hin": "hi",
    "vie": "vi",
    "ita": "it",
    "por": "pt",
}

# Language labels for words in a script no other supported language uses.
SCRIPT_LANGUAGE: dict[str, str] = {
    "Kana": "ja",
    "Hang": "ko",
    "Grek": "el",
    "Hebr": "he",
    "Thai": "th",
    "Beng": "bn",
    "Guru": "pa",
    "Gujr": "gu",
    "Orya": "or",
    "Taml": "ta",
    "Telu": "te",
    "Knda": "kn",
    "Mlym": "ml",
    "Sinh": "si",
}

# Foreign languages plausible in a CoT of a Latin-script target: the model's other
# languages.  Relatives are added for targets that are easily confused with them.
MAJOR_LATIN: tuple[str, ...] = ("en", "fr", "de", "es", "it", "pt", "nl")
RELATIVES: dict[str, tuple[str, ...]] = {"ca": ("es",), "ro": ("it",), "pt": ("es",)}

# Profile names of langdetect for our codes.
LANGDETECT_NAMES: dict[str, tuple[str, ...]] = {"zh": ("zh-cn", "zh-tw")}

_FUNCTION_WORDS: dict[str, str] = {
    "en": "the of and to in is it that this we for on with as are be by at an or from not"
    " but have has was were will can so if then which what when how there their they these"
    " those its let me my our us do does did would should could been being into than also"
    " just need first now since because each all any some more most other such only same both"
    " between through about after before over again here where why who while don"
    " doesn isn aren wait okay therefore thus hence answer think maybe actually right yes",
    "fr": "le la les de des du un une et est en que qui dans pour pas sur au aux par avec ce"
    " cette ces il elle nous vous ils elles on sont ont être avoir donc mais ou où plus ne"
    " se son sa ses leur leurs comme aussi alors très fait peut tout tous toutes faut si à"
    " même encore deux entre ainsi était sera avons devons pouvons maintenant puis"
    " quand parce cela ça oui non je suis",
    "de": "der die das und ist nicht ein eine einen einem einer zu den dem des mit von auf für"
    " sich es wir sie ich im auch als an wie bei aus dass daß so wenn oder aber nur noch nach"
    " um wird werden kann muss müssen haben hat sind war diese dieser dieses also dann hier"
    " gibt zwei jetzt schon mal durch über können dies ja nein sein zum zur",
    "es": "el la los las de del y en que es un una por con para no se su sus al lo como más"
    " pero este esta estos estas son ser hay entonces ya si también muy sobre entre cuando"
    " donde porque todo todos puede tiene tenemos debemos podemos ahora así dos hacer cada"
    " está están sin embargo eso esto yo sí",
    "it": "il lo la gli le di del della dei delle e è che un una per con non si da dal dalla"
    " in nel nella sono come ma anche più questo questa quindi allora se ci ha hanno essere"
    " abbiamo possiamo dobbiamo ora cosa molto tutti tra fra ogni poi due fare sì",
    "pt": "o a os as de do da dos das e é que um uma para com não se por no na nos nas em ao"
    " aos mas como mais este esta isso isto então também já são ser foi tem temos podemos"
    " precisamos agora quando onde porque muito dois cada seu sua pelo pela entre sim você",
    "nl": "de het een en van is dat die in te op voor met zijn niet er aan ook als bij dit"
    " deze om dan maar wat of door naar hebben heeft wordt worden kan moet we wij ik je zo"
    " nog al uit over twee nu dus hier moeten kunnen",
    "vi": "của và là các có không được này cho với một những trong để người khi đã thì ta"
    " chúng tôi ra nên như từ cũng vì đó lại rằng nhưng số bằng hai phải nếu vậy sẽ theo đến"
    " làm hãy xem bài toán",
    "pl": "i w z na nie się to że do jest jak o co ale od po przez dla tak czy już jego jej"
    " są być ma może tylko także oraz więc jeśli gdy tego tym ten ta te teraz mamy musimy"
    " możemy jeszcze bardzo który która które",
    "tr": "ve bir bu için ile da de ne mi çok daha olan olarak gibi ama sonra kadar her şey"
    " ya veya değil var yok ki şimdi eğer çünkü nasıl bize biz ben sen onu bunu şu ise"
    " olur bulmak",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada adalah ke ada juga"
    " kita kami saya bisa atau karena jadi sudah oleh sebagai maka jika harus lebih kemudian"
    " setelah dapat hanya mereka nya mari",
    "sv": "och att det som en är på för med har av till den inte om ett jag vi de så kan var"
    " men från eller också nu här hur vad när måste vara blir sedan alla där",
    "ro": "și în de la cu pe care este că nu un o pentru din se ce mai sunt acest această"
    " dar sau dacă deci acum avem putem trebuie fie ale lui ei și",
    "cs": "a je se v na to že s z do o k ale jak jsou jsem by být pro tak který která které"
    " jeho také už nebo jen když tedy teď máme musíme můžeme tento tato toto protože proto",
    "fi": "ja on ei että se tämä mutta kun niin myös joka ovat olla kuin jos vain sitten nyt"
    " me meidän voimme täytyy siis eli tai mikä",
    "hu": "a az és hogy nem is egy ez van meg de csak mint már még ha azt ki el kell lehet"
    " vagy volt akkor így most tehát ezt",
    "ca": "el la els les de del i en que és un una per amb no es al com més però aquest"
    " aquesta això són ser hi doncs també molt hem podem cal ara perquè",
    "ru": "и в не на что с как это по но к у из за от так же то все мы он она они для бы"
    " был была было если или да нет уже его её ее их можно нужно теперь тогда поэтому"
    " значит чтобы когда где при только ещё еще будет быть этот эта эти этого которые"
    " который также",
    "uk": "і в не на що з як це по але до у із за від так же то все ми він вона вони для б"
    " був була було якщо або ні вже його її їх можна потрібно тепер тоді тому отже щоб"
    " коли де при тільки ще буде бути цей ця ці цього які який також є",
    "bg": "и в не на че с като това по но към от за така да се то всички ние той тя те би"
    " беше ако или вече може трябва сега тогава затова значи когато където само още ще"
    " бъде този тази тези които който също е са има",
    "ar": "في من على إلى أن هذا هذه التي الذي ما لا عن مع هو هي كان ثم أو لكن إذا قد كل"
    " بين عند بعد حتى نحن يجب يمكن لذلك ذلك هنا الآن أيضا",
    "fa": "و در به از که این را با است برای آن یک می ما هم تا بر شود کرد های نیز اما اگر"
    " باید بود پس چون سپس حالا همچنین",
    "ur": "کے کی ہے میں اور کو سے یہ کہ پر نہیں ہیں تھا ایک بھی ہم اس کا گا لیے اگر تو جو",
    "hi": "है के में की का और को से यह हम हैं पर भी नहीं एक तो कि था इस लिए अब हो करना"
    " करें होगा क्या जो इसलिए",
    "mr": "आहे आणि च्या हे या ला ते मी आम्ही नाही की आहेत करू म्हणून आता पण तर होते",
    "ne": "छ र मा हो यो गर्न छन् पनि हामी भएको लागि गरेर अब त्यसैले हुन्छ",
}


def normalize_code(code: object) -> str | None:
    """The supported ISO 639-1 code that ``code`` names, or ``None``.

    Case, region and script subtags are ignored (``zh-TW``, ``zh_Hans``, ``pt-BR``), so
    ``zh``, ``zh-cn`` and ``zh-tw`` all mean Chinese.
    """
    if not isinstance(code, str):
        return None
    primary = code.strip().lower().replace("_", "-").split("-", 1)[0]
    primary = ALIASES.get(primary, primary)
    return primary if primary in SCRIPTS else None


@cache
def languages_of(script: str) -> tuple[str, ...]:
    """Every supported language written in ``script``, in a fixed order."""
    return tuple(sorted(code for code, scripts in SCRIPTS.items() if script in scripts))


@cache
def candidates(target: str, script: str) -> tuple[str, ...]:
    """The languages a clause in ``script`` may be in, for a CoT whose target is ``target``.

    For Latin, the target and the major languages a model drifts into; for the other
    shared scripts, every supported language of the script.
    """
    if script == "Latn":
        found = set(MAJOR_LATIN) | {target} | set(RELATIVES.get(target, ()))
        return tuple(sorted(found & set(languages_of("Latn")) | {target}))
    return languages_of(script)


@cache
def function_word_index(languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Lower-case function word -> the ``languages`` that list it."""
    index: dict[str, list[str]] = {}
    for code in languages:
        for word in set(_FUNCTION_WORDS.get(code, "").split()):
            index.setdefault(word, []).append(code)
    return {word: tuple(codes) for word, codes in index.items()}
