"""Write the two programs' data, deterministically (no download):

    python -m benchmarks.programs.make_data

``input.txt``: about 100,000 characters of English-like prose (sentences of words drawn
from a fixed list, capitals, commas, full stops, line breaks), standing in for the tiny
Shakespeare of "Let's build GPT". ``names.txt``: 8,000 lower-case names, one a line, built
from syllables so that all 26 letters occur, standing in for makemore's names.txt.
Both come from Python's ``random.Random`` with a fixed seed: the same bytes every run.
"""

import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = (
    "the a of and to in is that it was he for on are as with his they at be this from "
    "have or by one had not but what all were when we there can an your which their said "
    "if do will each about how up out them then she many some so these would other into "
    "has more her two like him see time could no make than first been its who now people "
    "my made over did down only way find use may water long little very after words "
    "called just where most know get through back much before go good new write our "
    "used me man too any day same right look think also around another came come work "
    "three word must because does part even place well such here take why things help "
    "put years different away again off went old number great tell men say small every "
    "found still between name should home big give air line set own under read last "
    "never us left end along while might next sound below saw something thought both "
    "few those always looked show large often together asked house world going want "
    "school important until form food keep children feet land side without boy once "
    "animals life enough took sometimes four head above kind began almost live page got "
    "earth need far hand high year mother light parts country father let night following "
    "picture being study second eyes soon times story boys since white days ever paper "
    "hard near sentence better best across during today others however sure means knew "
    "quick quiet jazz zero box exact queen fox lazy jumped yellow vex zone quite"
).split()
ONSETS = "b c d f g h j k l m n p r s t v w y z br ch cl dr fr gr kr qu sh st th tr x".split()
VOWELS = "a e i o u y ai ea ie oa ou".split()
CODAS = ["", "", "", "n", "l", "r", "s", "th", "x", "z", "ck", "nd", "lla", "ne", "ya"]


def prose(n_chars, seed=0):
    rng = random.Random(seed)
    out, line = [], 0
    while sum(map(len, out)) < n_chars:
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 14))]
        if len(words) > 7 and rng.random() < 0.5:
            words[rng.randint(2, len(words) - 3)] += ","
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:] + rng.choice(".....?!")
        line += len(sentence) + 1
        if line > 60:
            out.append("\n" if rng.random() < 0.8 else "\n\n")
            line = 0
        else:
            out.append(" ")
        out.append(sentence)
    return "".join(out).lstrip() + "\n"


def names(count, seed=1):
    rng = random.Random(seed)
    result = []
    while len(result) < count:
        parts = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(1, 3))]
        name = "".join(parts) + rng.choice(CODAS)
        if rng.random() < 0.3:
            name = rng.choice(VOWELS) + name
        if 2 <= len(name) <= 12:
            result.append(name)
    return result


def write(directory=HERE):
    with open(os.path.join(directory, "input.txt"), "w") as f:
        f.write(prose(100_000))
    with open(os.path.join(directory, "names.txt"), "w") as f:
        f.write("\n".join(names(8000)) + "\n")


if __name__ == "__main__":
    write()
