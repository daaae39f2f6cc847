"""The languages the language reward supports: their scripts and their function words.

Every supported target has its writing system(s) here.  Where several supported languages
share a script (Latin, Cyrillic, Arabic, Devanagari), each also has a list of its most
frequent function words: a clause that is plainly one of them is decided by counting these,
without langdetect, which is what keeps the common case cheap.  The lists favour words
that tell the languages apart; a word shared by several lists is evidence for each.
Single letters are listed only where they are telling and no variable name ("à", "è",
Cyrillic "и"): they are evidence although they are never counted as words.  Latin "a", "o",
"i", "y" are left out: English "I", "Let's" and variables would vote for Czech or Spanish.
"""

from __future__ import annotations

import re
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

# Profile names of langdetect for our codes.
LANGDETECT_NAMES: dict[str, tuple[str, ...]] = {"zh": ("zh-cn", "zh-tw")}

_FUNCTION_WORDS: dict[str, str] = {
    "en": "the of and to in is it that this we for on with as are be by at an or from not"
    " but have has was were will can so if then which what when how there their they these"
    " those its let me my our us do does did would should could been being into than also"
    " just need first now since because each all any some more most other such only same"
    " both between through about after before over again here where why who while don doesn"
    " isn aren wait okay therefore thus hence answer think maybe actually right yes get got"
    " make use using find found given give gives know see seems look looks check means way"
    " ways number numbers value values equal equals case cases step steps sure correct"
    " possible another next last well still already too very much many every whether though"
    " although however yet must might may you your he she him her them let's",
    "fr": "le la les de des du un une et est en que qui qu dans pour pas sur au aux par avec"
    " ce cette ces cet il elle nous vous ils elles on sont ont être avoir donc mais ou où"
    " plus ne se son sa ses leur leurs comme aussi alors très fait faire peut peuvent tout"
    " tous toute toutes faut si à même encore deux entre ainsi était sera avons devons"
    " pouvons maintenant puis quand parce cela ça oui non je suis mon ma mes notre nos votre"
    " lui dont chaque autre autres sans sous vers chez après avant depuis déjà bien trop peu"
    " beaucoup moins quel quelle quels quelles pourquoi comment combien voici voilà accord"
    " enfin ensuite abord aussi égal égale donne",
    "de": "der die das und ist nicht ein eine einen einem einer eines zu den dem des mit von"
    " auf für sich es wir sie ich im ins auch als an am wie bei beim aus dass daß so wenn"
    " oder aber nur noch nach um wird werden wurde kann können muss müssen soll sollte haben"
    " hat habe sind war waren diese dieser dieses diesen diesem also dann hier gibt zwei"
    " jetzt schon mal durch über unter vor zwischen dies ja nein sein seine ihre ihr zum zur"
    " vom kein keine keinen nichts alle allen jede jeder jedes man mehr immer weil damit"
    " denn doch etwa gleich erst ob bis ohne gegen sehr viel viele wieder wo was wer warum"
    " welche welcher uns unser",
    "es": "el la los las de del en que es un una unos unas por con para no se su sus al lo"
    " le les me mi como más pero este esta estos estas ese esa esos esas eso esto aquí son"
    " ser era fue hay entonces ya si sí también muy sobre entre cuando donde dónde porque"
    " qué cuál cuáles cómo todo todos toda todas puede pueden tiene tienen tenemos debemos"
    " podemos necesitamos ahora así dos hacer cada está están estamos sin embargo yo nos"
    " nosotros usted otro otra otros mismo misma hasta desde luego después antes bien algo"
    " nada cual cuántos cuántas tanto menos mucho muchos pues hace vamos veamos sea tan"
    " solo sólo además mientras aunque necesito voy",
    "it": "il lo la gli le di del dello della dei degli delle è che un uno una per con non"
    " si da dal dalla dai in nel nello nella nei sono come ma anche più questo questa"
    " questi queste quello quella quindi allora se ci ha hanno ho abbiamo essere stato"
    " stata possiamo dobbiamo ora cosa molto tutti tutte tutto tra fra ogni poi due fare"
    " fatto sì perché dove quando quale quali qui già ancora sempre proprio cioè invece però"
    " mentre sia solo così bene prima dopo senza sul sulla alla allo al agli alle nelle"
    " negli ne vediamo quanti quante quanto",
    "pt": "os as de do da dos das é que um uma uns umas para com não se por no na nos nas em"
    " ao aos à às mas como mais este esta estes estas esse essa esses essas isso isto"
    " aquele aquela então também já são ser foi era tem têm temos podemos precisamos agora"
    " quando onde porque muito muitos muita dois duas cada seu sua seus suas pelo pela"
    " pelos pelas entre sim você eu nós ele ela eles elas há está estão estamos vamos pode"
    " podem deve devemos depois antes assim ainda mesmo mesma outro outra qual quais quanto"
    " quantos quantas até sobre sem talvez porém fazer feito aqui lá num numa desse dessa"
    " nesse nessa deste desta neste nesta preciso vou",
    "nl": "de het een en van is dat die in te op voor met zijn niet er aan ook als bij dit"
    " deze om dan maar wat of door naar hebben heeft wordt worden kan moet we wij ik je zo"
    " nog al uit over twee nu dus hier moeten kunnen geen meer waar hoe waarom wie welke"
    " omdat want toch zou zullen zal werd was waren hun ons onze jullie ze hem haar heel"
    " veel alle elk elke tussen tegen zonder sinds na tot eerst eens daar daarom echter",
    "vi": "của và là các có không được này cho với một những trong để người khi đã thì ta"
    " chúng tôi ra nên như từ cũng vì đó lại rằng nhưng số bằng hai phải nếu vậy sẽ theo"
    " đến làm hãy xem bài toán mình cần tìm bao nhiêu cách rồi đúng sai thế nào gì đây"
    " kia vào lên xuống nữa hơn nhất mỗi cả hoặc hay còn chỉ đều rất đang vẫn sau trước",
    "pl": "na nie się to że do jest jak co ale od po przez dla tak czy już jego jej są być"
    " ma może tylko także oraz więc jeśli gdy tego tym ten ta te teraz mamy musimy możemy"
    " jeszcze bardzo który która które",
    "tr": "ve bir bu için ile da de ne mi çok daha olan olarak gibi ama sonra kadar her şey"
    " ya veya değil var yok ki şimdi eğer çünkü nasıl bize biz ben sen onu bunu şu ise"
    " olur bulmak",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada adalah ke ada juga"
    " kita kami saya bisa atau karena jadi sudah oleh sebagai maka jika harus lebih"
    " kemudian setelah dapat hanya mereka nya mari",
    "sv": "och att det som en är på för med har av till den inte om ett jag vi de så kan var"
    " men från eller också nu här hur vad när måste vara blir sedan alla där",
    "ro": "și în de la cu pe care este că nu un pentru din se ce mai sunt acest această"
    " dar sau dacă deci acum avem putem trebuie fie ale lui ei să cu ne",
    "cs": "je se na to že do ale jak jsou jsem by být pro tak který která které jeho také"
    " už nebo jen když tedy teď máme musíme můžeme tento tato toto protože proto",
    "fi": "ja on ei että se tämä mutta kun niin myös joka ovat olla kuin jos vain sitten nyt"
    " me meidän voimme täytyy siis eli tai mikä",
    "hu": "az és hogy nem is egy ez van meg de csak mint már még ha azt ki el kell lehet"
    " vagy volt akkor így most tehát ezt",
    "ca": "el la els les de del en que és un una per amb no es al com més però aquest"
    " aquesta això són ser hi doncs també molt hem podem cal ara perquè pot he",
    "ru": "и в не на что с как это по но к у из за от так же то все мы он она они для бы"
    " был была было если или да нет уже его её ее их можно нужно теперь тогда поэтому"
    " значит чтобы когда где при только ещё еще будет быть этот эта эти этого которые"
    " который также нам нас вы я мне меня надо тут там здесь сейчас потом ведь даже очень"
    " более между после через без о об про чем чего кто какой какая какие каждый итак",
    "uk": "і в у не на що з як це треба саме по але до із за від так же то все ми він вона"
    " вони для б був була було якщо або ні вже його її їх можна потрібно тепер тоді тому"
    " отже щоб коли де при тільки ще буде бути цей ця ці цього які який також є нам нас"
    " ви я мені тут там зараз потім навіть дуже між після через без про чим чого хто яка"
    " кожен тобто",
    "bg": "и в не на че с като това по но към от за така да се то всички ние той тя те би"
    " беше ако или вече може трябва сега тогава затова значи когато където само още ще"
    " бъде този тази тези които който също е са има нас вие аз тук там после дори много"
    " повече между след преди чрез без какво кой коя кои всеки",
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


# Spellings that point to a language (Latin script): letters and letter groups that function
# words miss in clauses such as "Espere, preciso verificar o sinal" vs its Spanish twin.
# Consulted only when function words leave a clause undecided.
_SPELLINGS: dict[str, str] = {
    "ção ções ão õe lh": "pt",
    "ã õ ê ô â": "pt vi fr",
    "ñ ción ciones ía": "es",
    "ç": "fr pt ca tr",
    "è": "fr it ca",
    "eau aux œ û": "fr",
    "ë": "fr nl",
    "î": "fr ro",
    "ß ung keit heit lich tz": "de",
    "sch": "de nl",
    "ä": "de sv fi",
    "ö ü": "de sv fi hu tr",
    "zione zioni gli ò": "it",
    "ì ù": "it vi fr",
    "ă": "ro vi",
    "ș ț ţ": "ro",
    "ş": "ro tr",
    "ł ą ę ś ź ż ć ń": "pl",
    "ř ů ě": "cs",
    "č š ž": "cs",
    "ğ ı": "tr",
    "ő ű": "hu",
    "ơ ư đ": "vi",
    "å": "sv",
    "ij": "nl",
    "th wh ght ing": "en",
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
def spelling_marks() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """A regex finding the marks of :data:`_SPELLINGS` in a lower-case word, and what each
    mark points to (Vietnamese letters with stacked tone marks are one more mark)."""
    table: dict[str, tuple[str, ...]] = {}
    for marks, codes in _SPELLINGS.items():
        for mark in marks.split():
            table[mark] = tuple(codes.split())
    table["\u1ea0"] = ("vi",)
    alternatives = sorted((m for m in table if m != "\u1ea0"), key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, alternatives)) + "|[\u1ea0-\u1ef9]")
    return pattern, table


@cache
def function_word_index(languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Lower-case function word -> the ``languages`` that list it."""
    index: dict[str, list[str]] = {}
    for code in languages:
        for word in set(_FUNCTION_WORDS.get(code, "").split()):
            index.setdefault(word, []).append(code)
    return {word: tuple(codes) for word, codes in index.items()}
