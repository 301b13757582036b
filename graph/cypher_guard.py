"""A lexical screen for analyst Cypher, run before the query reaches the database.

The real defence is the READ access mode of the transaction: the database itself refuses
CREATE, MERGE, SET, DELETE, REMOVE and schema writes wherever they hide (subqueries, FOREACH,
procedures that write). This screen adds what access mode does not cover and gives clear
messages: LOAD CSV (reads files and URLs), CALL { } IN TRANSACTIONS, USE of another database,
procedures outside a read-only allow-list (dbms.*, apoc.*), admin commands and SHOW commands
that reveal users, settings or other sessions' transactions. Comments, string literals and
backtick quoting are tokenised, so they neither hide a clause nor trigger a false refusal."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.exceptions import QueryInvalidError, QueryRejectedError

ALLOWED_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.info",
        "db.ping",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        "db.index.fulltext.querynodes",
        "db.index.fulltext.queryrelationships",
        "db.index.fulltext.listavailableanalyzers",
        "db.index.vector.querynodes",
        "db.index.vector.queryrelationships",
    }
)
# SHOW commands that only describe the schema and the callable API.
ALLOWED_SHOW = frozenset(
    {"INDEX", "INDEXES", "CONSTRAINT", "CONSTRAINTS", "PROCEDURE", "PROCEDURES"}
    | {"FUNCTION", "FUNCTIONS"}
)
# Words that open an administration command when they start a statement.
ADMIN_START = frozenset(
    {"GRANT", "DENY", "REVOKE", "ALTER", "DROP", "START", "STOP", "TERMINATE", "ENABLE"}
    | {"DEALLOCATE", "REALLOCATE", "RENAME", "DRYRUN"}
)
# CREATE followed by one of these is schema or administration, not a graph write.
CREATE_ADMIN = frozenset(
    {"USER", "ROLE", "DATABASE", "COMPOSITE", "ALIAS", "INDEX", "CONSTRAINT", "OR"}
    | {"FULLTEXT", "TEXT", "RANGE", "POINT", "LOOKUP", "VECTOR", "BTREE"}
)
FORBIDDEN_FUNCTION_NAMESPACES = frozenset({"apoc", "dbms", "gds"})

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?(?:\*/|\Z))
  | (?P<str>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
  | (?P<param>\$\w+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>\d+(?:\.\d*)?)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # word, quoted, str, param, num, punct
    text: str  # words as written; quoted identifiers without their backticks

    @property
    def keyword(self) -> str:
        """The upper-cased word for keyword tests; '' for anything that cannot be a keyword."""
        return self.text.upper() if self.kind == "word" else ""


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        value = m.group()
        if kind in ("ws", "line_comment", "block_comment"):
            continue
        if kind == "quoted":
            value = value[1:].removesuffix("`").replace("``", "`")
        tokens.append(Token(kind, value))
    return tokens


def check_read_only(text: str) -> None:
    """Raise QueryRejectedError, saying why, when `text` uses a refused clause or procedure."""
    tokens = tokenize(text)
    if not tokens:
        raise QueryInvalidError("the query is empty (nothing but whitespace and comments)")
    for i in range(len(tokens)):
        prev = tokens[i - 1] if i else None
        if prev is not None and prev.text in (".", ":", "$"):
            continue  # a property key, label or type named like a keyword
        starts_statement = prev is None or prev.text == ";"
        _check_token(tokens, i, starts_statement)


def _check_token(tokens: list[Token], i: int, starts_statement: bool) -> None:
    kw = tokens[i].keyword
    nxt = _keyword_at(tokens, i + 1)
    if kw == "LOAD" and nxt == "CSV":
        _refuse("LOAD CSV is not allowed: the Cypher endpoint only reads the graph")
    if kw == "IN" and "TRANSACTIONS" in (_keyword_at(tokens, i + k) for k in (1, 2, 3)):
        _refuse(
            "CALL { ... } IN TRANSACTIONS is not allowed: it commits its own write batches, "
            "and the Cypher endpoint only reads"
        )
    if kw == "USE" and tokens[i + 1 : i + 2] and tokens[i + 1].kind in ("word", "quoted"):
        _refuse("USE is not allowed: queries run against the configured database only")
    if kw == "TERMINATE" or (starts_statement and kw in ADMIN_START):
        _refuse(f"administration command {kw} is not allowed on the read-only Cypher endpoint")
    if starts_statement and kw == "CREATE" and nxt in CREATE_ADMIN:
        _refuse(f"CREATE {nxt} is a schema or administration command and is not allowed")
    if starts_statement and kw == "SHOW":
        words = {_keyword_at(tokens, i + k) for k in (1, 2, 3)}
        if not words & ALLOWED_SHOW:
            _refuse(
                "only SHOW INDEXES, CONSTRAINTS, PROCEDURES and FUNCTIONS are allowed on the "
                "Cypher endpoint"
            )
    if kw == "CALL" and tokens[i + 1 : i + 2] and tokens[i + 1].kind in ("word", "quoted"):
        name = _dotted_name(tokens, i + 1)
        if name.lower() not in ALLOWED_PROCEDURES:
            _refuse(
                f"procedure {name} is not allowed on the read-only Cypher endpoint; allowed: "
                + ", ".join(sorted(ALLOWED_PROCEDURES))
            )
    if tokens[i].kind in ("word", "quoted") and _is_function_call(tokens, i):
        namespace = tokens[i].text.lower()
        if namespace in FORBIDDEN_FUNCTION_NAMESPACES:
            name = _dotted_name(tokens, i)
            _refuse(f"function {name} is not allowed on the read-only Cypher endpoint")


def _is_function_call(tokens: list[Token], i: int) -> bool:
    """True when tokens[i] starts a namespaced call: ns.name(...) (not after CALL)."""
    if _text_at(tokens, i + 1) != ".":
        return False
    j = i
    while _text_at(tokens, j + 1) == "." and j + 2 < len(tokens):
        j += 2
    return _text_at(tokens, j + 1) == "("


def _dotted_name(tokens: list[Token], i: int) -> str:
    parts = [tokens[i].text]
    j = i
    while _text_at(tokens, j + 1) == "." and j + 2 < len(tokens):
        parts.append(tokens[j + 2].text)
        j += 2
    return ".".join(parts)


def _keyword_at(tokens: list[Token], i: int) -> str:
    return tokens[i].keyword if 0 <= i < len(tokens) else ""


def _text_at(tokens: list[Token], i: int) -> str:
    return tokens[i].text if 0 <= i < len(tokens) else ""


def _refuse(message: str) -> None:
    raise QueryRejectedError(message)
