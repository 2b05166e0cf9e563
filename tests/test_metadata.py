"""Headline, outlet and author of an article, from front matter, URL, byline and page shape."""

from pathlib import Path

from bot.articles import load_article
from bot.config import load_settings
from tests.conftest import CORPUS, SEED_LAVROV, SEED_SHOIGU


def load(tmp_path: Path, text: str, name: str = "a.txt", boilerplate=None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    article, _ = load_article(path, tmp_path, boilerplate)
    assert article is not None
    return article


def front(**fields: str) -> str:
    return "---\n" + "".join(f'{k}: "{v}"\n' for k, v in fields.items()) + "---\n\n"


G1_BODY = (
    "Renan diz que, no que depender dele, Senado vota abuso de autoridade. Presidente do Senado "
    "afirmou que projeto será votado. Oposição critica.  O presidente do Senado, Renan Calheiros "
    "(PMDB-AL), disse nesta terça-feira (6) que, no que depender dele, o Senado vai votar o projeto.\n"
)


def test_scraped_page_headline_outlet_and_byline(tmp_path: Path) -> None:
    article = load(tmp_path, front(
        author="Por Gustavo Garcia, G1, Brasília",
        url="https://g1.globo.com/politica/noticia/renan-diz-que-no-que-depender-dele-senado-vota-abuso-de-autoridade.ghtml",
    ) + G1_BODY)
    assert article.title == "Renan diz que, no que depender dele, Senado vota abuso de autoridade"
    assert article.source == "G1"
    assert article.author == "Gustavo Garcia"
    assert article.meta["byline"] == "Por Gustavo Garcia, G1, Brasília"


def test_a_wire_or_partner_credit_is_shown_with_the_site(tmp_path: Path) -> None:
    article = load(tmp_path, front(author="Por BBC", url="https://g1.globo.com/mundo/noticia/x-y-z.ghtml") + G1_BODY)
    assert article.source == "BBC via G1" and article.author is None
    regional = load(tmp_path, front(author="Por G1 Ribeirão e Franca", url="https://g1.globo.com/sp/a-b-c.ghtml")
                    + G1_BODY, "b.txt")
    assert regional.source == "G1" and regional.author is None


def test_headline_from_the_slug_when_the_text_lacks_it(tmp_path: Path) -> None:
    article = load(tmp_path, front(
        author="Naira Trindade",
        url="http://politica.estadao.com.br/blogs/coluna/podemos-expulsa-gaguim-e-abre-espaco-para-katia-abreu/",
    ) + "O Podemos decidiu expulsar o deputado Carlos Gaguim. Com isso, abre espaço para a senadora "
        "Kátia Abreu, que deixou o PMDB.\n")
    assert article.title == "Podemos expulsa Gaguim e abre espaço para Kátia Abreu"  # accents from the text
    assert article.source == "Estadão" and article.author == "Naira Trindade"


def test_headline_block_shape_without_url(tmp_path: Path) -> None:
    article = load(tmp_path, "Cúpula termina sem acordo sobre o clima. Países ricos e pobres divergem sobre "
                             "metas.  Os negociadores deixaram a reunião nesta sexta-feira sem um texto comum.\n")
    assert article.title == "Cúpula termina sem acordo sobre o clima"
    assert article.source is None


def test_seeds(tmp_path: Path) -> None:
    shoigu, _ = load_article(CORPUS / SEED_SHOIGU, CORPUS)
    assert shoigu.title.startswith("Kim Jong Un, da Coreia do Norte, se reúne com Shoigu")
    assert shoigu.source == "Reuters via Brasil 247"  # the masthead prompt and the "SEOUL (Reuters) -" dateline
    lavrov, _ = load_article(CORPUS / SEED_LAVROV, CORPUS)
    assert lavrov.title.startswith("O ministro russo") and lavrov.source is None  # nothing names its outlet


def test_front_matter_and_domains(tmp_path: Path) -> None:
    named = load(tmp_path, front(title="Um título", publisher="Agência Pública", url="https://example.org/a/b")
                 + "Texto do artigo com uma frase.\n")
    assert named.title == "Um título" and named.source == "Agência Pública"
    unknown = load(tmp_path, front(url="https://www.example.org/noticias/um-fato-novo") + "Texto. Mais.\n", "b.txt")
    assert unknown.source == "example.org"
    credited = load(tmp_path, front(url="https://www.estadao.com.br/x/um-fato-novo-hoje")
                    + "Um fato novo hoje aconteceu. E foi notícia.\n\nCom informações da AFP\n", "c.txt")
    assert credited.source == "AFP via Estadão"


def test_outlets_are_configurable_one_by_one(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "boilerplate.yaml").write_text("outlets:\n  Jornal do Povo: [jornaldopovo.com.br]\n",
                                             encoding="utf-8")
    settings = load_settings(folder)
    assert "G1" in settings.boilerplate["outlets"]  # the shipped outlets are kept
    article = load(tmp_path, front(url="https://jornaldopovo.com.br/cidade/obra-atrasa") + "Obra atrasa. Sim.\n",
                   boilerplate=settings.boilerplate)
    assert article.source == "Jornal do Povo"
