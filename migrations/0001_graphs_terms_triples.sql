-- Quiver's storage model.
--
-- A database holds many named graphs. Each graph's term dictionary and triples live in their own
-- partitions (terms_g<ID>, triples_g<ID>) of the two partitioned tables below, created by the store
-- when the graph is first written and attached once loaded, so that a bulk load into a new graph
-- writes an unindexed table, builds its indexes once, and never blocks readers of other graphs.
--
-- Term ids are a stable 64-bit hash of the term (kind, value, datatype, language), computed by
-- Quiver: one term has the same id in every graph and every process. The store rejects a load in
-- which two different terms would share an id.

CREATE TABLE graphs (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- Bumped by every committed write; a snapshot built at change_seq N is current while it stays N.
    change_seq  bigint      NOT NULL DEFAULT 0,
    -- True once the graph's partitions exist and are attached.
    ready       boolean     NOT NULL DEFAULT false
);

-- kind: 0 plain name (TSV), 1 IRI, 2 blank node (label scoped per load), 3 literal.
CREATE TABLE terms (
    graph_id  integer  NOT NULL,
    id        bigint   NOT NULL,
    kind      smallint NOT NULL CHECK (kind BETWEEN 0 AND 3),
    value     text     NOT NULL,
    datatype  text,
    lang      text
) PARTITION BY LIST (graph_id);

-- provenance: 0 asserted, 1 inferred, 2 synthetic, 3 corrupted. split: NULL, 0 train, 1 valid, 2 test.
-- Each partition has UNIQUE (s, p, o), serving lookups by s, and an index on (o, p), serving
-- lookups by o and by (p, o).
CREATE TABLE triples (
    graph_id    integer  NOT NULL,
    s           bigint   NOT NULL,
    p           bigint   NOT NULL,
    o           bigint   NOT NULL,
    provenance  smallint NOT NULL DEFAULT 0 CHECK (provenance BETWEEN 0 AND 3),
    split       smallint CHECK (split BETWEEN 0 AND 2)
) PARTITION BY LIST (graph_id);

-- The change log: one row per committed write, so another process can tell what happened since
-- the sequence number its snapshot was built at. Small writes carry their triples; bulk loads only
-- their counts (the reader rebuilds from the tables).
CREATE TABLE changes (
    graph_id   integer     NOT NULL REFERENCES graphs (id) ON DELETE CASCADE,
    seq        bigint      NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('load', 'add', 'delete', 'ontology')),
    added      bigint      NOT NULL DEFAULT 0,
    removed    bigint      NOT NULL DEFAULT 0,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (graph_id, seq)
);

-- Ontology axioms per graph (owl:inverseOf, rdfs:domain/range, symmetric and transitive
-- properties, owl:propertyChainAxiom). Relations are named as in the graph's triples.
--   kind 'declare'   : relation                      (label/comment optional)
--   kind 'inverse'   : relation, other = its inverse
--   kind 'domain'    : relation, other = class
--   kind 'range'     : relation, other = class
--   kind 'symmetric' : relation
--   kind 'transitive': relation
--   kind 'chain'     : relation = the implied r3, chain = [r1, r2, ...]  (r1 o r2 o ... <= r3)
CREATE TABLE ontology_axioms (
    graph_id  integer NOT NULL REFERENCES graphs (id) ON DELETE CASCADE,
    kind      text    NOT NULL CHECK (kind IN ('declare', 'inverse', 'domain', 'range', 'symmetric', 'transitive', 'chain')),
    relation  text    NOT NULL,
    other     text,
    chain     text[],
    label     text,
    comment   text
);
CREATE INDEX ontology_axioms_graph ON ontology_axioms (graph_id);
