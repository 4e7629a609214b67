"""Feedback comments composed from parts, per language (pt, es, en), with the mood of the score.

A comment is one or two clauses about what jewellery buyers write about (delivery, the piece's
quality, silver or plating that tarnishes, size, packaging, service on WhatsApp or Instagram,
price, a gift's reception), with the words of Brazilian and Spanish-speaking marketplace reviews
(atraso, demora, não chegou, veio errado, llegó roto, tal cual la foto ...), negations both ways
("não recomendo", "no llegó" are complaints; "não escureceu", "sin problemas" are praise),
intensifiers, emoji, and the typos of phone keyboards (dropped accents, swapped or missing
letters, all caps). The mood follows the score with noise: some 4-star comments complain, some
2-star ones praise the piece but not the delivery, and some comments say nothing either way, so
a text classifier trained on the stars has something real, but not everything, to learn.
"""

from __future__ import annotations


import numpy as np

# moods a comment can take
NEGATIVE, MIXED_NEGATIVE, NEUTRAL, MIXED_POSITIVE, POSITIVE = range(5)
# P(mood | sentiment of the score): rows sentiment 0 (negative), 1 (neutral), 2 (positive)
MOOD_GIVEN_SENTIMENT = np.array([
    [0.60, 0.18, 0.12, 0.06, 0.04],
    [0.14, 0.20, 0.32, 0.20, 0.14],
    [0.01, 0.03, 0.16, 0.15, 0.65],
])

# products with their grammatical gender (m / f), for the adjectives' endings
PRODUCTS = {
    "pt": [("o colar", "m"), ("o anel", "m"), ("o brinco", "m"), ("a pulseira", "f"), ("a corrente", "f"),
           ("o pingente", "m"), ("a aliança", "f"), ("a tornozeleira", "f")],
    "es": [("el collar", "m"), ("el anillo", "m"), ("la pulsera", "f"), ("la cadena", "f"), ("el dije", "m"),
           ("los aretes", "mp"), ("la argolla", "f"), ("el brazalete", "m")],
    "en": [("the necklace", ""), ("the ring", ""), ("the earrings", ""), ("the bracelet", ""), ("the chain", ""),
           ("the pendant", "")],
}
# adjectives: (masculine, feminine, masculine plural); English uses the first
ADJECTIVES_POSITIVE = {
    "pt": [("lindo", "linda", "lindos"), ("perfeito", "perfeita", "perfeitos"), ("maravilhoso", "maravilhosa", "maravilhosos"),
           ("delicado", "delicada", "delicados"), ("bem feito", "bem feita", "bem feitos")],
    "es": [("hermoso", "hermosa", "hermosos"), ("precioso", "preciosa", "preciosos"), ("perfecto", "perfecta", "perfectos"),
           ("divino", "divina", "divinos"), ("bien hecho", "bien hecha", "bien hechos")],
    "en": [("beautiful",), ("gorgeous",), ("perfect",), ("so delicate",), ("well made",)],
}
ADJECTIVES_NEGATIVE = {
    "pt": [("feio", "feia", "feios"), ("frágil", "frágil", "frágeis"), ("torto", "torta", "tortos"),
           ("fraco", "fraca", "fracos")],
    "es": [("feo", "fea", "feos"), ("frágil", "frágil", "frágiles"), ("chueco", "chueca", "chuecos"),
           ("corriente", "corriente", "corrientes")],
    "en": [("flimsy",), ("cheap looking",), ("bent",), ("ugly",)],
}
INTENSIFIERS = {
    "pt": ["muito", "super", "mega", "bem", "demais de"],
    "es": ["muy", "súper", "re", "bien", "demasiado"],
    "en": ["really", "so", "super", "very", "extremely"],
}
BUT = {"pt": [", mas ", ", porém ", ". Só que ", " mas "], "es": [", pero ", ". Eso sí, ", " pero ", ", aunque "],
       "en": [", but ", ". However ", " but ", ", although "]}

# Clauses per language and polarity. {p} a product, {a} an adjective agreeing with it, {i} an
# intensifier, {n} a number of days; several positives are negated complaints and several
# negatives are negated praise, on purpose.
CLAUSES: dict[tuple[str, str], list[str]] = {
    ("pt", "+"): [
        "chegou voando", "uma graça", "super indico", "já indiquei pras amigas", "brilha muito no sol", "não deu alergia", "o banho é firme", "nota mil", "show de bola", "ficou um charme", "chegou bem antes", "coisa mais fofa",
        "{p} é {i} {a}", "amei {p}", "{p} chegou {i} rápido", "chegou antes do prazo", "entrega rápida",
        "qualidade excelente", "{p} é igualzinho à foto", "atendimento excelente pelo WhatsApp",
        "me responderam rapidinho no Instagram", "minha mãe amou o presente", "minha namorada adorou",
        "embalagem caprichada", "veio bem embalado", "não escureceu nada", "já usei muito e não escureceu",
        "sem defeito nenhum", "nada a reclamar", "vale cada centavo", "preço justo", "super recomendo",
        "recomendo demais", "já é minha terceira compra", "compraria de novo", "tamanho perfeito",
        "ficou perfeito no dedo", "chegou certinho", "produto top", "adorei", "nota 10", "tudo certo com o pedido",
        "não tive nenhum problema", "a prata é de verdade, não descasca", "presente perfeito",
    ],
    ("pt", "-"): [
        "o banho saiu em {n} dias", "deixou meu dedo verde", "a pedra caiu", "a pedrinha soltou", "deu alergia", "o fecho abre sozinho", "a corrente enroscou toda", "mandaram a cor trocada", "parece bijuteria de camelô", "esperei {n} dias e nada", "tive que abrir reclamação no site", "o correio devolveu e ninguém me avisou",
        "demorou {i} para chegar", "atraso de {n} dias na entrega", "não chegou até agora", "o pedido não chegou",
        "{p} veio com defeito", "veio errado", "veio o tamanho errado", "a prata escureceu em {n} dias",
        "ficou preto em uma semana", "descascou no primeiro uso", "péssimo atendimento",
        "ninguém responde no WhatsApp", "não recomendo", "{p} chegou quebrado", "não gostei", "{p} é {a}",
        "muito caro pelo que é", "embalagem amassada", "diferente da foto", "nunca mais compro",
        "o fecho quebrou", "pedi reembolso e nada", "não vale o preço", "a entrega foi péssima",
        "que demora", "horrível", "produto de baixa qualidade", "me arrependi", "não é prata de verdade",
        "rastreio parado há {n} dias", "ficou largo demais", "não serviu", "decepcionada",
    ],
    ("pt", "0"): [
        "recebi hoje", "chegou", "ainda não usei", "comprei para presente", "ok", "normal", "como esperado",
        "entrega no prazo", "veio pelos Correios", "é um pouco menor do que eu pensava", "comprei {p}",
        "pedi pelo site", "é o segundo que compro", "vou ver se ela gosta", "paguei no pix", "chegou em {n} dias",
    ],
    ("es", "+"): [
        "llegó volando", "una monada", "ya se lo recomendé a mis amigas", "brilla muchísimo", "no me dio alergia", "el baño no se cae", "un 10", "quedó divino", "lo amé", "un detallazo", "de lujo", "super lindo el acabado",
        "{p} es {i} {a}", "me encantó {p}", "llegó {i} rápido", "llegó antes de lo esperado", "envío rápido",
        "excelente calidad", "tal cual la foto", "excelente atención por WhatsApp", "me respondieron rapidísimo por Instagram",
        "a mi mamá le encantó el regalo", "a mi novia le fascinó", "el empaque muy bonito", "venía bien empacado",
        "no se oscurece para nada", "ya lo usé mucho y no se puso negro", "sin problemas", "nada que reclamar",
        "vale cada peso", "buen precio", "lo recomiendo", "súper recomendado", "ya es mi tercera compra",
        "volvería a comprar", "la talla perfecta", "me quedó perfecto", "todo bien con el pedido", "10 de 10",
        "muy buena atención", "excelente atención", "la plata es de verdad, no se pela", "regalo perfecto",
        "no tuve ningún problema", "cumplieron con todo",
    ],
    ("es", "-"): [
        "el baño se le cayó en {n} días", "me dejó el dedo verde", "se le cayó la piedra", "la piedrita se soltó", "me dio alergia", "el broche se abre solo", "la cadena se enreda toda", "me enviaron otro color", "parece de tianguis", "esperé {n} días y nada", "tuve que poner queja en profeco", "la paquetería lo devolvió y nadie me avisó",
        "tardó {i} en llegar", "el envío se demoró {n} días", "no llegó", "mi pedido nunca llegó",
        "{p} llegó roto", "vino con defecto", "me mandaron otro modelo", "la talla no era la que pedí",
        "se oscureció en {n} días", "se puso negro en una semana", "se peló al primer uso", "pésima atención",
        "nadie contesta por WhatsApp", "no lo recomiendo", "{p} es {a}", "no me gustó", "muy caro para lo que es",
        "la caja llegó aplastada", "no se parece a la foto", "nunca más compro", "el broche se rompió",
        "pedí reembolso y nada", "no vale la pena", "la entrega fue pésima", "qué demora", "horrible",
        "mala calidad", "me arrepiento", "no es plata de verdad", "el seguimiento no se mueve hace {n} días",
        "me quedó grande", "no me quedó", "decepcionada",
    ],
    ("es", "0"): [
        "recibido", "llegó", "todavía no lo uso", "lo compré para regalo", "ok", "normal", "lo esperado",
        "llegó en la fecha", "vino por paquetería", "es un poco más pequeño de lo que pensé", "compré {p}",
        "pedí por la página", "es el segundo que compro", "a ver si le gusta", "pagué en efectivo",
        "llegó en {n} días",
    ],
    ("en", "+"): [
        "got here in no time", "so cute", "already told my friends", "sparkles so much", "no allergy at all", "plating holds up", "a steal",
        "{p} is {i} {a}", "love {p}", "arrived {i} fast", "came earlier than expected", "fast shipping",
        "great quality", "exactly like the photo", "great service on WhatsApp", "they answered quickly on Instagram",
        "my mom loved the gift", "my girlfriend loved it", "lovely packaging", "hasn't tarnished at all",
        "no problems at all", "nothing to complain about", "worth every penny", "fair price", "highly recommend",
        "third order already", "would buy again", "perfect fit", "10/10",
    ],
    ("en", "-"): [
        "plating wore off in {n} days", "turned my finger green", "the stone fell out", "clasp keeps opening", "gave me a rash", "looks like a dollar store piece", "waited {n} days for nothing",
        "took {i} long to arrive", "shipping was {n} days late", "never arrived", "it didn't arrive",
        "{p} arrived broken", "came with a defect", "wrong item sent", "wrong size", "tarnished in {n} days",
        "turned black in a week", "terrible service", "nobody answers on WhatsApp", "don't recommend",
        "{p} is {a}", "didn't like it", "too expensive for what it is", "the box was crushed",
        "not like the photo", "never again", "the clasp broke", "still waiting for my refund", "not worth it",
        "awful", "poor quality", "regret buying it",
    ],
    ("en", "0"): [
        "received today", "arrived", "haven't worn it yet", "bought it as a gift", "ok", "as expected",
        "delivered on time", "a bit smaller than I thought", "bought {p}", "second one I buy",
        "arrived in {n} days",
    ],
}
EMOJI = {"+": ["😍", "❤️", "💖", "✨", "💍", "🥰", "👏", "😊"], "-": ["😡", "😞", "👎", "😤", "😢", "🤬"],
         "0": ["🙂", "👍", "🤔"]}

_ACCENTS = str.maketrans("áàâãéêíóôõúüçñÁÀÂÃÉÊÍÓÔÕÚÜÇÑ", "aaaaeeiooouucnAAAAEEIOOOUUCN")


def compose_comments(rng: np.random.Generator, language: list[str], sentiment: np.ndarray) -> list[str]:
    """One comment per row: language code (pt, es, en) and the score's sentiment (0 negative,
    1 neutral, 2 positive). Deterministic for the generator's state."""
    n = len(language)
    if n == 0:
        return []
    cumulative = MOOD_GIVEN_SENTIMENT.cumsum(axis=1)
    mood = (rng.random(n)[:, None] > cumulative[np.asarray(sentiment)]).sum(axis=1)
    # one block of uniforms per row, consumed left to right by _compose
    draws = rng.random((n, 20))
    return [_compose(language[row], int(mood[row]), draws[row]) for row in range(n)]


def _pick(options: list, u: float):
    return options[int(u * len(options))]


def _clause(lang: str, polarity: str, u: np.ndarray) -> str:
    template = _pick(CLAUSES[(lang, polarity)], u[0])
    if "{" not in template:
        return template
    product, gender = _pick(PRODUCTS[lang], u[1])
    forms = _pick((ADJECTIVES_POSITIVE if polarity == "+" else ADJECTIVES_NEGATIVE)[lang], u[2])
    adjective = forms[{"f": 1, "mp": 2}.get(gender, 0) if len(forms) > 1 else 0]
    intensifier = _pick(INTENSIFIERS[lang], u[3]) if u[4] < 0.6 else ""
    text = template.format(p=product, a=adjective, i=intensifier, n=2 + int(u[5] * 28))
    return " ".join(text.split())


def _compose(lang: str, mood: int, u: np.ndarray) -> str:
    if mood == NEGATIVE:
        parts = [_clause(lang, "-", u[0:6])]
        if u[6] < 0.45:
            parts.append(_clause(lang, "-", u[7:13]))
            parts = list(dict.fromkeys(parts))  # the same clause twice reads as a bug, not a review
        polarity = "-"
    elif mood == POSITIVE:
        parts = [_clause(lang, "+", u[0:6])]
        if u[6] < 0.45:
            parts.append(_clause(lang, "+", u[7:13]))
            parts = list(dict.fromkeys(parts))
        polarity = "+"
    elif mood == NEUTRAL:
        parts = [_clause(lang, "0", u[0:6])]
        polarity = "0"
    else:
        # a mixed review: praise and complaint, in either order ("lindo, mas demorou demais")
        first, second = ("+", "-") if u[6] < 0.5 else ("-", "+")
        joined = _clause(lang, first, u[0:6]) + _pick(BUT[lang], u[13]) + _clause(lang, second, u[7:13])
        parts = [joined]
        polarity = "-" if mood == MIXED_NEGATIVE else "+"
    separator = ". " if u[16] < 0.5 else (", " if u[16] < 0.8 else "! ")
    text = separator.join(parts)
    text = text[0].upper() + text[1:]
    if u[14] < 0.35:
        text += " " + _pick(EMOJI[polarity], u[17]) * (1 + int(u[18] * 3))
    elif u[14] > 0.9:
        text += "!!"
    return _typos(text, u[15], u[19])


def _typos(text: str, u: float, v: float) -> str:
    """Phone-keyboard typos, from two uniforms (deterministic): dropped accents, a swapped or
    missing letter, all caps, all lower case."""
    if u < 0.30:
        text = text.translate(_ACCENTS)
    position = int(v * 7919) % max(len(text) - 2, 1)
    if 0.30 <= u < 0.40 and text[position].isalpha() and text[position + 1].isalpha():
        text = text[:position] + text[position + 1] + text[position] + text[position + 2:]
    elif 0.40 <= u < 0.48 and text[position].isalpha():
        text = text[:position] + text[position + 1:]
    if 0.48 <= u < 0.52:
        text = text.upper()
    elif 0.52 <= u < 0.70:
        text = text.lower()
    return text
