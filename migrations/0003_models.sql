-- Trained models (quiver train): one row per graph and model name. Weights are Quiver's own
-- little-endian tensor archive (QuiverModels' ModelArchive), which also records the term ids of
-- the entities and relations the rows of the weights stand for, so a model stays usable after the
-- graph is reloaded and renumbered. Dropping a graph drops its models.
CREATE TABLE models (
    graph_id         integer     NOT NULL REFERENCES graphs (id) ON DELETE CASCADE,
    name             text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind             text        NOT NULL,
    hyperparameters  jsonb       NOT NULL,
    metrics          jsonb       NOT NULL DEFAULT '{}',
    weights          bytea       NOT NULL,
    -- The graph's change_seq when training read it.
    trained_on_seq   bigint      NOT NULL,
    trained_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (graph_id, name)
);
