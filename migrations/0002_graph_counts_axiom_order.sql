-- Keep each graph's triple count in its catalog row (updated by every write in the same
-- transaction), so listing graphs reads one table and never races a concurrent DROP of a
-- partition; and give ontology axioms an explicit order, which ctid does not keep.
ALTER TABLE graphs ADD COLUMN triple_count bigint NOT NULL DEFAULT 0;
UPDATE graphs g SET triple_count = (SELECT count(*) FROM triples t WHERE t.graph_id = g.id);

ALTER TABLE ontology_axioms ADD COLUMN ordinal bigint GENERATED ALWAYS AS IDENTITY;
